import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { GrantType, TokenEndpointAuthMethod } from '@ccri/contracts';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ClientsService } from '../clients/clients.service';
import { FhirDemoSeeder } from '../fhir/fhir-demo.seeder';
import demoClients from './ccri-demo-clients.json';
import { DemoUsersSeeder } from './demo-users.seeder';

/**
 * Demo mode (DESIGN.md §Demo mode): the CCRI's published demo clients, with the ids and secrets of its Security
 * Quickstart, and a few synthetic patients. Never in production: the configuration refuses DEMO_MODE there.
 */
@Injectable()
export class DemoService implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clients: ClientsService,
    private readonly fhir: FhirDemoSeeder,
    private readonly users: DemoUsersSeeder,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demoMode || this.config.production) return;
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
    await this.fhir.seed();
    await this.users.seed();
    this.logger.log(
      `Demo mode: ${demoClients.clients.length} CCRI demo clients, synthetic patients and practitioners, and the demo users are loaded`,
    );
  }
}
