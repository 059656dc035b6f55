import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { decodeJwt, errors, jwtVerify } from 'jose';
import { LessThan, Repository } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { oauthError } from '../../common/errors/domain-error';
import { ClientsService } from '../../clients/clients.service';
import type { ClientEntity } from '../../clients/client.entity';
import { CLIENT_ASSERTION_ALGS, oauthEndpoints } from '../oauth-endpoints';
import { ClientJwksService } from './client-jwks.service';
import { UsedAssertionEntity } from './used-assertion.entity';

/** RFC 7523 §2.2 client assertion type. */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** SMART Backend Services: an assertion expires at most five minutes after it is made. */
const MAX_ASSERTION_LIFETIME_SECONDS = 300;
const CLOCK_SKEW_SECONDS = 30;

const refuse = (description: string, reason: string) =>
  oauthError('invalid_client', description, 401, { auditReason: reason });

/**
 * private_key_jwt client authentication (RFC 7523 §3, SMART Backend Services): `iss` = `sub` = client_id, `aud` the
 * token endpoint or the issuer (openid-client sends the issuer), `exp` at most 5 minutes ahead, a `jti` never seen
 * before, signed with one of the client's registered keys by an allowed algorithm. Header `jku`, `x5u` and `jwk` are
 * never followed: keys come only from the client's registration.
 */
@Injectable()
export class ClientAssertionService implements OnModuleInit, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(UsedAssertionEntity) private readonly used: Repository<UsedAssertionEntity>,
    private readonly clients: ClientsService,
    private readonly jwks: ClientJwksService,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(
      () => void this.used.delete({ expiresAt: LessThan(new Date()) }).catch(() => undefined),
      60_000,
    );
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async authenticate(
    assertionType: unknown,
    assertion: unknown,
    claimedClientId: unknown,
    endpointUrl: string,
  ): Promise<ClientEntity> {
    if (assertionType !== JWT_BEARER_ASSERTION)
      throw refuse(`client_assertion_type must be ${JWT_BEARER_ASSERTION}`, 'wrong_assertion_type');
    if (typeof assertion !== 'string' || assertion.length > 16_384)
      throw refuse('client_assertion is missing or too large', 'malformed_assertion');
    let clientId: string;
    try {
      const claims = decodeJwt(assertion);
      if (typeof claims.iss !== 'string' || claims.iss !== claims.sub) throw new Error();
      clientId = claims.iss;
    } catch {
      throw refuse('client_assertion must be a JWT whose iss and sub are the client_id', 'malformed_assertion');
    }
    if (claimedClientId !== undefined && claimedClientId !== clientId)
      throw refuse('client_id does not match the assertion', 'client_id_mismatch');
    const client = await this.clients.findCached(clientId);
    if (!client || client.tokenEndpointAuthMethod !== 'private_key_jwt')
      throw refuse('Client authentication failed', 'invalid_client_credentials');
    if (!client.enabled || client.status !== 'active')
      throw refuse('Client authentication failed', client.enabled ? `client_${client.status}` : 'client_disabled');

    const endpoints = oauthEndpoints(this.config.publicUrl);
    const audiences = [...new Set([endpoints.token, endpoints.issuer, endpointUrl])];
    const keys = await this.jwks.keySet(client);
    let payload;
    try {
      ({ payload } = await jwtVerify(assertion, keys, {
        // OpenID Connect Registration §2: a registered token_endpoint_auth_signing_alg is the only one accepted.
        algorithms: client.tokenEndpointAuthSigningAlg
          ? [client.tokenEndpointAuthSigningAlg]
          : [...CLIENT_ASSERTION_ALGS],
        issuer: clientId,
        subject: clientId,
        audience: audiences,
        requiredClaims: ['exp', 'jti'],
        clockTolerance: CLOCK_SKEW_SECONDS,
      }));
    } catch (e) {
      if (e instanceof errors.JWTExpired) throw refuse('The client assertion has expired', 'assertion_expired');
      if (e instanceof errors.JWTClaimValidationFailed && e.claim === 'aud')
        throw refuse('The client assertion is meant for another audience', 'assertion_wrong_audience');
      if (e instanceof errors.JOSEAlgNotAllowed)
        throw refuse('The client assertion algorithm is not accepted', 'assertion_alg_not_allowed');
      if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWSSignatureVerificationFailed) {
        this.jwks.forget(client);
        throw refuse(
          'The client assertion signature does not verify with the registered keys',
          'assertion_bad_signature',
        );
      }
      throw refuse('The client assertion is not valid', 'assertion_invalid');
    }
    const now = Math.floor(Date.now() / 1000);
    if (payload.exp! > now + MAX_ASSERTION_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) {
      throw refuse('The client assertion must expire within 5 minutes', 'assertion_lifetime_too_long');
    }
    const jti = String(payload.jti);
    if (jti.length > 200) throw refuse('The client assertion jti is too long', 'malformed_assertion');
    try {
      await this.used.insert({ clientId, jti, expiresAt: new Date((payload.exp! + CLOCK_SKEW_SECONDS) * 1000) });
    } catch {
      throw refuse('The client assertion has been used before', 'assertion_replayed');
    }
    return client;
  }
}
