import { Inject, Injectable } from '@nestjs/common';
import { matchingScopes, Permission, ResourceScope, Scope } from '@ccri/smart-scopes';
import { bearerError, DomainError } from '../common/errors/domain-error';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MetricsService } from '../metrics/metrics.service';

/** What a token may do with one resource type, for one permission. */
export interface ScopeGrant {
  /** The granted resource scopes that permit it (empty for a public type read, and for internal callers). */
  matched: readonly ResourceScope[];
  /** Set when every resource must be in this patient's compartment. */
  patientCompartment?: string;
  publicType: boolean;
}

export interface ScopeSettings {
  /** Types any valid token may read (DESIGN.md §Scopes, "publicly available information"). */
  publicTypes: ReadonlySet<string>;
  /** STRICT_PATIENT_SCOPES: `patient/` scopes without a patient context are refused rather than gate types. */
  strictPatientScopes: boolean;
}

/** Why a token may not: no scope grants the permission, or only `patient/` scopes do and there is no patient. */
export type ScopeDenial = 'no-scope' | 'no-patient-context';

export type ScopeDecision = { grant: ScopeGrant; denied?: undefined } | { grant?: undefined; denied: ScopeDenial };

/** The parts of a verified token a scope decision reads. */
export interface ScopedToken {
  scopes: readonly Scope[];
  patient?: string;
  /** The Patient the token's person is (a patient user): whatever the scopes, only their compartment. */
  actingPatient?: string;
}

const READ_PERMISSIONS: ReadonlySet<Permission> = new Set(['r', 's']);

/**
 * The one scope decision (SMART App Launch 2.x §Scopes): a public type is open to reads; otherwise some granted
 * resource scope must permit `permission` on `type`, and the most general of them sets the confinement (a `patient/`
 * scope confines to the token's patient; without one it gates the type, as the CCRI did, unless strict).
 */
export function decideScope(
  token: ScopedToken,
  type: string,
  permission: Permission,
  settings: ScopeSettings,
): ScopeDecision {
  const matched = matchingScopes(token.scopes, { resourceType: type, permission });
  const publicType = settings.publicTypes.has(type) && READ_PERMISSIONS.has(permission);
  if (matched.length === 0) return publicType ? { grant: { matched, publicType } } : { denied: 'no-scope' };
  if (publicType) return { grant: { matched, publicType } };
  // SMART App Launch 2.2 §user scopes: a user's scopes reach what that user may see; a patient sees only their own.
  if (token.actingPatient) return { grant: { matched, publicType, patientCompartment: token.actingPatient } };
  if (matched[0].context === 'patient') {
    if (token.patient) return { grant: { matched, publicType, patientCompartment: token.patient } };
    if (settings.strictPatientScopes) return { denied: 'no-patient-context' };
  }
  return { grant: { matched, publicType } };
}

/**
 * The scope decision with this server's settings, and the refusal that goes with a denial: a 403
 * `insufficient_scope` (RFC 6750 §3.1), counted in the denial metric. Used alike by the route guard and by the
 * per-entry checks of bundles, includes and histories, so every refusal is decided and counted the same way.
 */
@Injectable()
export class ScopeCheck {
  readonly settings: ScopeSettings;

  constructor(
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'publicResourceTypes' | 'strictPatientScopes'>,
    private readonly metrics: MetricsService,
  ) {
    this.settings = {
      publicTypes: new Set(config.publicResourceTypes),
      strictPatientScopes: config.strictPatientScopes,
    };
  }

  decide(token: ScopedToken, type: string, permission: Permission): ScopeDecision {
    return decideScope(token, type, permission, this.settings);
  }

  /** Counts a denial of `interaction` on `type` that leaves something out of an answer rather than refusing it. */
  withheld(type: string, interaction: string): void {
    this.metrics.fhirDenied(type, interaction);
  }

  /** Counts the denial and returns the error to throw. */
  refuse(type: string, interaction: string, reason: ScopeDenial): DomainError {
    this.metrics.fhirDenied(type, interaction);
    return bearerError(
      403,
      'insufficient_scope',
      reason === 'no-patient-context'
        ? 'patient/ scopes need a patient context, and this token has none'
        : `The token's scopes do not permit ${interaction} on ${type}`,
    );
  }
}
