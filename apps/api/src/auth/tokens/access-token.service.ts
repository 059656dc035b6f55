import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { ClientEntity } from '../../clients/client.entity';
import { MetricsService } from '../../metrics/metrics.service';
import { KeysService } from '../keys/keys.service';
import { type AuditedRequest, stageAuditRow } from '../../common/http/audit-stage';
import { newTokenId } from './token-id';
import { IssuedToken, TokenStoreService } from './token-store.service';

/** RFC 9068: the media type of JWT access tokens. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/** RFC 6749 §5.1 successful response, plus SMART App Launch 2.2's launch context and OpenID Connect's id_token. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  patient?: string;
  encounter?: string;
  need_patient_banner?: boolean;
  smart_style_url?: string;
  id_token?: string;
  refresh_token?: string;
}

/** A token that acts for a person (authorization_code and refresh_token grants). */
export interface PersonToken {
  /** The end user's id (`sub`). */
  userId: string;
  /** The grant (consent) it is issued under: revoking the grant revokes it. */
  grantId: string;
  scopes: string[];
  /** Launch context. */
  patient: string | null;
  encounter: string | null;
  /** Absolute URL of the person's FHIR resource, for the `fhirUser` claim (only when the scope was granted). */
  fhirUser?: string;
  /** The id of the Patient the person is, when they are one: the FHIR access policy confines the token to it. */
  actingPatient?: string;
}

/** A signed access token and what its response needs. */
export interface SignedAccessToken {
  token: string;
  jti: string;
  ttl: number;
  scope: string;
}

@Injectable()
export class AccessTokenService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: KeysService,
    private readonly store: TokenStoreService,
    private readonly metrics: MetricsService,
  ) {}

  get audience(): string {
    return `${this.config.publicUrl}/fhir`;
  }

  /**
   * Signs and durably records an access token (DESIGN.md §Tokens); for a single-active-token client the earlier
   * tokens are revoked before this one is handed out. With an `audited` request, the token's record is staged with
   * the request's audit record instead of being written here: both are committed in one transaction before the
   * response leaves (AuditService).
   */
  async issue(
    client: ClientEntity,
    scopes: string[],
    grantType: string,
    audited?: AuditedRequest,
  ): Promise<TokenResponse> {
    const now = Math.floor(Date.now() / 1000);
    const ttl = client.tokenTtlSeconds ?? this.config.tokenTtlSeconds;
    const jti = newTokenId();
    const scope = scopes.join(' ');
    const claims: Record<string, unknown> = {
      iss: this.config.publicUrl,
      aud: this.audience,
      sub: client.clientId,
      client_id: client.clientId,
      scope,
      jti,
      iat: now,
      exp: now + ttl,
    };
    if (client.patient) claims.patient = client.patient;
    const { token, kid } = await this.keys.sign(claims, ACCESS_TOKEN_TYP);
    const record = {
      jti,
      kind: 'access',
      clientId: client.clientId,
      scope,
      patient: client.patient,
      kid,
      issuedAt: new Date(now * 1000),
      expiresAt: new Date((now + ttl) * 1000),
    };
    // A single-active-token client's earlier tokens are revoked only once this one is on record.
    if (!this.staged(client, record, audited)) await this.store.record(record);
    if (client.singleActiveToken) await this.store.revokeClient(client.clientId, jti);
    this.metrics.tokenIssued(grantType);
    const response: TokenResponse = { access_token: token, token_type: 'Bearer', expires_in: ttl, scope };
    if (client.patient) response.patient = client.patient;
    return response;
  }

  /**
   * Signs and records an access token that acts for a person (SMART App Launch 2.2): `sub` is the person, `patient`
   * the launch context, `fhirUser` when granted, `acting_patient` when the person is a Patient (so that whatever the
   * scopes, the token never reaches another patient's data). Recorded with its grant, so revoking the grant revokes it.
   */
  async issueForPerson(
    client: ClientEntity,
    person: PersonToken,
    grantType: string,
    audited?: AuditedRequest,
  ): Promise<SignedAccessToken> {
    const now = Math.floor(Date.now() / 1000);
    const ttl = client.tokenTtlSeconds ?? this.config.tokenTtlSeconds;
    const jti = newTokenId();
    const scope = person.scopes.join(' ');
    const claims: Record<string, unknown> = {
      iss: this.config.publicUrl,
      aud: this.audience,
      sub: person.userId,
      client_id: client.clientId,
      scope,
      jti,
      iat: now,
      exp: now + ttl,
    };
    if (person.patient) claims.patient = person.patient;
    if (person.encounter) claims.encounter = person.encounter;
    if (person.fhirUser) claims.fhirUser = person.fhirUser;
    if (person.actingPatient) claims.acting_patient = person.actingPatient;
    const { token, kid } = await this.keys.sign(claims, ACCESS_TOKEN_TYP);
    const record = {
      jti,
      kind: 'access',
      clientId: client.clientId,
      scope,
      patient: person.patient,
      kid,
      issuedAt: new Date(now * 1000),
      expiresAt: new Date((now + ttl) * 1000),
      grantId: person.grantId,
    };
    if (!this.staged(client, record, audited)) await this.store.record(record);
    if (client.singleActiveToken) await this.store.revokeClient(client.clientId, jti);
    this.metrics.tokenIssued(grantType);
    return { token, jti, ttl, scope };
  }

  /** Stages a token's record with the audit record of the request it is issued for; false when it must be written now. */
  private staged(client: ClientEntity, record: IssuedToken, audited: AuditedRequest | undefined): boolean {
    return (
      !client.singleActiveToken && audited !== undefined && stageAuditRow(audited, this.store.pendingRecord(record))
    );
  }
}
