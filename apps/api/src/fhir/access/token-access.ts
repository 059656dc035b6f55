import { matchingScopes, Permission, ResourceScope, Scope } from '@ccri/smart-scopes';
import { bearerError } from '../../common/errors/domain-error';

/** What a token may do with one resource type, for one permission. */
export interface TypeGrant {
  /** The granted resource scopes that permit it (empty for a public type read, and for internal callers). */
  matched: readonly ResourceScope[];
  /** Set when every resource must be in this patient's compartment. */
  patientCompartment?: string;
  publicType: boolean;
}

export interface AccessSettings {
  /** Types any valid token may read (DESIGN.md §Scopes, "publicly available information"). */
  publicTypes: ReadonlySet<string>;
  /** STRICT_PATIENT_SCOPES: `patient/` scopes without a patient context are refused rather than gate types. */
  strictPatientScopes: boolean;
}

const READ_PERMISSIONS: ReadonlySet<Permission> = new Set(['r', 's']);

/**
 * The SMART scopes of one access token, asked per resource type and permission (SMART App Launch 2.x §Scopes). This is
 * what the scope guard decides for a request's own type, applied to every type a request touches besides: the
 * entries of a transaction, included resources, the types a chain or `_has` crosses, system history.
 */
export class TokenAccess {
  private readonly cache = new Map<string, TypeGrant | null>();

  private constructor(
    private readonly scopes: readonly Scope[] | null,
    private readonly patient: string | undefined,
    private readonly settings: AccessSettings,
  ) {}

  static forToken(principal: { scopes: readonly Scope[]; patient?: string }, settings: AccessSettings): TokenAccess {
    return new TokenAccess(principal.scopes, principal.patient, settings);
  }

  /** The server itself (demo seeding): everything, unconfined. */
  static internal(): TokenAccess {
    return new TokenAccess(null, undefined, { publicTypes: new Set(), strictPatientScopes: false });
  }

  /** The grant for `permission` on `type`, or null when the token does not allow it. */
  grant(type: string, permission: Permission): TypeGrant | null {
    if (this.scopes === null) return { matched: [], publicType: false };
    const key = `${type} ${permission}`;
    if (this.cache.has(key)) return this.cache.get(key)!;
    const grant = this.compute(type, permission);
    this.cache.set(key, grant);
    return grant;
  }

  /** The grant, or a 403 `insufficient_scope` naming the interaction (RFC 6750 §3.1). */
  require(type: string, permission: Permission, interaction: string): TypeGrant {
    const grant = this.grant(type, permission);
    if (!grant)
      throw bearerError(403, 'insufficient_scope', `The token's scopes do not permit ${interaction} on ${type}`);
    return grant;
  }

  /** Mirrors FhirScopeGuard: a public type is open to reads; the most general matching scope sets the confinement. */
  private compute(type: string, permission: Permission): TypeGrant | null {
    const matched = matchingScopes(this.scopes!, { resourceType: type, permission });
    const publicType = this.settings.publicTypes.has(type) && READ_PERMISSIONS.has(permission);
    if (matched.length === 0) return publicType ? { matched, publicType } : null;
    if (publicType) return { matched, publicType };
    const best = matched[0];
    if (best.context === 'patient') {
      if (this.patient) return { matched, publicType, patientCompartment: this.patient };
      if (this.settings.strictPatientScopes) return null;
    }
    return { matched, publicType };
  }
}
