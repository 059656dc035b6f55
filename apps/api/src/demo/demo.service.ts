import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import type { GrantType, TokenEndpointAuthMethod } from '@ccri/contracts';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ClientEntity } from '../clients/client.entity';
import { ClientsService } from '../clients/clients.service';
import { ClusterLockService } from '../cluster/cluster-lock.service';
import { FhirDemoSeeder } from '../fhir/fhir-demo.seeder';
import demoClients from './ccri-demo-clients.json';
import { DEMO_CLIENT_IDS } from './demo-clients';
import { DemoSmartAppSeeder } from './demo-smart-app.seeder';
import { DemoUsersSeeder } from './demo-users.seeder';

/** The lease under which one instance seeds at a time; the others wait, then find everything there. */
export const DEMO_SEED_LOCK = 'demo-seed';
const DEMO_SEED_LOCK_OPTIONS = { leaseMs: 120_000, waitMs: 180_000 };

/**
 * Demo mode (DESIGN.md §Demo mode): the CCRI's published demo clients, with the ids and secrets of its Security
 * Quickstart, the demo SMART app, a few synthetic patients and the demo users. Never in production: the configuration
 * refuses DEMO_MODE there. Outside demo mode the demo clients a database still holds are refused (ClientsService).
 */
@Injectable()
export class DemoService implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clients: ClientsService,
    private readonly fhir: FhirDemoSeeder,
    private readonly users: DemoUsersSeeder,
    private readonly smartApp: DemoSmartAppSeeder,
    private readonly lock: ClusterLockService,
    @InjectRepository(ClientEntity) private readonly clientRepo: Repository<ClientEntity>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demoMode || this.config.production) {
      await this.reportRefusedDemoClients();
      return;
    }
    // Instances starting together on one database seed one at a time; every step is an idempotent upsert.
    const result = await this.lock.withLock(DEMO_SEED_LOCK, DEMO_SEED_LOCK_OPTIONS, () => this.seed());
    if (!result.ran) throw new Error('Demo seeding: another instance held the demo-seed lease for too long');
  }

  private async seed(): Promise<void> {
    for (const c of demoClients.clients) {
      await this.clients.upsertSeed({
        client_id: c.client_id,
        client_secret: c.client_secret,
        client_name: c.name,
        description: 'description' in c ? c.description : '',
        grant_types: c.grant_types as GrantType[],
        token_endpoint_auth_method: c.token_endpoint_auth_method as TokenEndpointAuthMethod,
        scope: c.scope,
      });
    }
    await this.smartApp.seed();
    await this.fhir.seed();
    await this.users.seed();
    this.logger.log(
      `Demo mode: ${demoClients.clients.length} CCRI demo clients, synthetic patients and practitioners, and the demo users are loaded`,
    );
  }

  /** Says once, at start, that demo clients left in the database by an earlier demo-mode run are refused. */
  private async reportRefusedDemoClients(): Promise<void> {
    const left = await this.clientRepo.countBy({ clientId: In([...DEMO_CLIENT_IDS]) });
    if (left > 0) {
      this.logger.warn(
        `Demo mode is off: the ${left} demo clients in the database (published secrets) are refused until demo mode is on again`,
      );
    }
  }
}
