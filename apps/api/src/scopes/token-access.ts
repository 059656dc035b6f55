import { Permission } from '@ccri/smart-scopes';
import type { ScopeCheck, ScopedToken, ScopeDecision, ScopeGrant } from './scope-check';

/** What a token may do with one resource type, for one permission. */
export type TypeGrant = ScopeGrant;

/**
 * The SMART scopes of one access token, asked per resource type and permission: the scope guard's decision
 * (ScopeCheck) applied to every type a request touches besides its own: the entries of a transaction, included
 * resources, the types a chain or `_has` crosses, system history. Refusals are counted as the guard's are.
 */
export class TokenAccess {
  private readonly cache = new Map<string, ScopeDecision>();

  private constructor(
    private readonly token: ScopedToken | null,
    private readonly check: ScopeCheck | null,
  ) {}

  static forToken(token: ScopedToken, check: ScopeCheck): TokenAccess {
    return new TokenAccess(token, check);
  }

  /** The server itself (demo seeding): everything, unconfined. */
  static internal(): TokenAccess {
    return new TokenAccess(null, null);
  }

  /** The grant for `permission` on `type`, or null when the token does not allow it. Asking counts nothing. */
  grant(type: string, permission: Permission): TypeGrant | null {
    return this.decide(type, permission).grant ?? null;
  }

  /** The grant, or a 403 `insufficient_scope` naming the interaction (RFC 6750 §3.1), counted as a denial. */
  require(type: string, permission: Permission, interaction: string): TypeGrant {
    const decision = this.decide(type, permission);
    if (decision.grant) return decision.grant;
    throw this.check!.refuse(type, interaction, decision.denied);
  }

  /**
   * The grant, or null with the denial counted: for checks that leave resources out of an answer (included types, a
   * written resource's representation) rather than refuse the request.
   */
  permit(type: string, permission: Permission, interaction: string): TypeGrant | null {
    const grant = this.grant(type, permission);
    if (!grant) this.check!.withheld(type, interaction);
    return grant;
  }

  private decide(type: string, permission: Permission): ScopeDecision {
    if (this.token === null || this.check === null) return { grant: { matched: [], publicType: false } };
    const key = `${type} ${permission}`;
    let decision = this.cache.get(key);
    if (!decision) {
      decision = this.check.decide(this.token, type, permission);
      this.cache.set(key, decision);
    }
    return decision;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by FhirScopeGuard on every FHIR route: the token's scopes, with the guard's own decision cached. */
    tokenAccess?: TokenAccess;
  }
}
