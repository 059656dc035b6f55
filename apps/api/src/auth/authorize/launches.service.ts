import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import type { LaunchResponse } from '@ccri/contracts';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { randomBytesPooled } from '../../common/crypto/random-pool';
import { DomainError, validationFailed } from '../../common/errors/domain-error';
import { ClientsService } from '../../clients/clients.service';
import { sha256Hex } from './authorization-codes.service';
import { LaunchContextEntity } from './launch-context.entity';
import { DirectoryService } from '../../users/directory.service';

/** SMART App Launch 2.2 §EHR launch: the launch id is short-lived; five minutes covers opening the app. */
export const LAUNCH_TTL_SECONDS = 300;

/** Why a `launch` was refused at the authorization endpoint (the audit reason; the app sees `invalid_request`). */
export type LaunchRejection = 'unknown_launch' | 'expired_launch' | 'launch_reused' | 'launch_client_mismatch';

export type LaunchRedemption =
  { ok: true; patient: string; encounter: string | null } | { ok: false; reason: LaunchRejection };

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

@Injectable()
export class LaunchesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(LaunchContextEntity) private readonly repo: Repository<LaunchContextEntity>,
    private readonly clients: ClientsService,
    private readonly directory: DirectoryService,
  ) {}

  /** Creates an EHR launch of `clientId` for `patient`: the client must exist with a launch_uri, the patient too. */
  async create(
    request: { client_id: string; patient: string; encounter?: string },
    createdBy: string,
  ): Promise<LaunchResponse> {
    const client = await this.clients.findActive(request.client_id);
    if (!client) throw validationFailed('No such active client', [{ field: 'client_id', message: 'unknown client' }]);
    if (!client.launchUri)
      throw validationFailed('The client has no launch_uri', [
        { field: 'client_id', message: 'the client has no launch_uri' },
      ]);
    const patient = request.patient.replace(/^Patient\//, '');
    if (!FHIR_ID.test(patient) || !(await this.directory.patient(patient)))
      throw validationFailed('No such patient', [{ field: 'patient', message: 'no such Patient' }]);
    const encounter = request.encounter?.replace(/^Encounter\//, '') ?? null;
    if (encounter !== null && !FHIR_ID.test(encounter))
      throw validationFailed('Invalid encounter id', [{ field: 'encounter', message: 'not a FHIR id' }]);
    const launch = randomBytesPooled(32).toString('base64url');
    await this.repo.insert({
      launchHash: sha256Hex(launch),
      clientId: client.clientId,
      patient,
      encounter,
      createdBy: createdBy.slice(0, 100),
      expiresAt: new Date(Date.now() + LAUNCH_TTL_SECONDS * 1000),
      usedAt: null,
    });
    let url: URL;
    try {
      url = new URL(client.launchUri);
    } catch {
      throw new DomainError(400, 'invalid_launch_uri', 'The client launch_uri is not a URL');
    }
    // SMART App Launch 2.2 §EHR launch: the app is opened with `iss` (the FHIR base) and `launch`.
    url.searchParams.append('iss', `${this.config.publicUrl}/fhir`);
    url.searchParams.append('launch', launch);
    return { launch, launch_url: url.toString(), expires_in: LAUNCH_TTL_SECONDS };
  }

  /** Consumes a launch for `clientId`: known, this client's, unexpired and unused; it can never be used again. */
  async redeem(launch: string, clientId: string): Promise<LaunchRedemption> {
    const found = launch.length <= 256 ? await this.repo.findOneBy({ launchHash: sha256Hex(launch) }) : null;
    if (!found) return { ok: false, reason: 'unknown_launch' };
    if (found.clientId !== clientId) return { ok: false, reason: 'launch_client_mismatch' };
    if (found.usedAt) return { ok: false, reason: 'launch_reused' };
    const claimed = await this.repo.update({ launchHash: found.launchHash, usedAt: IsNull() }, { usedAt: new Date() });
    if (!claimed.affected) return { ok: false, reason: 'launch_reused' };
    if (found.expiresAt.getTime() <= Date.now()) return { ok: false, reason: 'expired_launch' };
    return { ok: true, patient: found.patient, encounter: found.encounter };
  }
}
