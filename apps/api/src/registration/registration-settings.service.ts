import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { RegistrationPolicy, RegistrationSettings } from '@ccri/contracts';
import { splitScopes } from '@ccri/smart-scopes';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ScopesService } from '../scopes/scopes.service';
import { RegistrationSettingsEntity } from './registration-settings.entity';

const SETTINGS_ID = 1;

/** Who may register clients dynamically, and which scopes they may ask for. */
@Injectable()
export class RegistrationSettingsService {
  constructor(
    @InjectRepository(RegistrationSettingsEntity) private readonly repo: Repository<RegistrationSettingsEntity>,
    private readonly scopes: ScopesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The saved settings. Until an administrator saves them: `open-with-approval` in demo mode, else `closed`, and the
   * scopes the catalog offers for self-service (read live, so catalog changes show until then).
   */
  async get(): Promise<RegistrationSettings> {
    const row = await this.repo.findOneBy({ id: SETTINGS_ID });
    if (row)
      return { policy: row.policy as RegistrationPolicy, self_service_scopes: splitScopes(row.selfServiceScopes) };
    const catalog = await this.scopes.list();
    return {
      policy: this.config.demoMode ? 'open-with-approval' : 'closed',
      self_service_scopes: catalog.filter((s) => s.self_service).map((s) => s.scope),
    };
  }

  async put(settings: RegistrationSettings): Promise<RegistrationSettings> {
    await this.repo.upsert(
      {
        id: SETTINGS_ID,
        policy: settings.policy,
        selfServiceScopes: splitScopes(settings.self_service_scopes.join(' ')).join(' '),
      },
      ['id'],
    );
    return this.get();
  }
}
