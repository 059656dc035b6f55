import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ClientEntity } from '../clients/client.entity';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

import { DEMO_SMART_APP_CLIENT_ID } from './demo-clients';

export { DEMO_SMART_APP_CLIENT_ID };

/** Everything the demo app asks for in its standalone (`launch/patient`) and EHR (`launch`) launches. */
export const DEMO_SMART_APP_SCOPE = [
  'openid',
  'fhirUser',
  'profile',
  'launch',
  'launch/patient',
  'patient/Patient.rs',
  'patient/Condition.rs',
  'patient/MedicationRequest.rs',
  'patient/MedicationStatement.rs',
  'patient/Medication.rs',
  'offline_access',
  'online_access',
].join(' ');

/** Where the built demo app lives on this server (served by serveDemoApp in demo mode). */
export function demoSmartAppUris(publicUrl: string): { redirectUri: string; launchUri: string } {
  return { redirectUri: `${publicUrl}/demo-app/`, launchUri: `${publicUrl}/demo-app/launch.html` };
}

/**
 * Demo mode: registers the demo SMART app served at /demo-app/ as a public client (SMART App Launch 2.2 §Client
 * types: a browser app cannot keep a secret, so it authenticates with nothing and proves itself with PKCE). Written
 * on every demo-mode start (by DemoService), so a changed PUBLIC_URL moves its redirect and launch URIs with it.
 */
@Injectable()
export class DemoSmartAppSeeder {
  private readonly logger = new Logger(DemoSmartAppSeeder.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(ClientEntity) private readonly clients: Repository<ClientEntity>,
  ) {}

  /** Called by DemoService, in demo mode only, under the demo-seed lease. */
  async seed(): Promise<void> {
    const { redirectUri, launchUri } = demoSmartAppUris(this.config.publicUrl);
    const fields: Partial<ClientEntity> = {
      clientName: 'CCRI demo SMART app',
      description: 'The demo SMART on FHIR app served at /demo-app/ (public client, PKCE).',
      secretHash: null,
      grantTypes: 'authorization_code refresh_token',
      tokenEndpointAuthMethod: 'none',
      scope: DEMO_SMART_APP_SCOPE,
      // RFC 7591 §2: the exact redirect URIs the authorization endpoint will accept.
      redirectUris: JSON.stringify([redirectUri]),
      launchUri,
      jwks: null,
      jwksUri: null,
      enabled: true,
      status: 'active',
    };
    const existing = await this.clients.existsBy({ clientId: DEMO_SMART_APP_CLIENT_ID });
    if (existing) await this.clients.update({ clientId: DEMO_SMART_APP_CLIENT_ID }, fields);
    else await this.clients.insert(this.clients.create({ clientId: DEMO_SMART_APP_CLIENT_ID, ...fields }));
    this.logger.log(`Demo mode: the demo SMART app is at ${redirectUri} (client ${DEMO_SMART_APP_CLIENT_ID})`);
  }
}
