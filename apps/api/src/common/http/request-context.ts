import type { Scope } from '@ccri/smart-scopes';

/** The verified bearer token of a FHIR request. */
export interface TokenPrincipal {
  clientId: string;
  sub: string;
  jti: string;
  scope: string;
  scopes: Scope[];
  patient?: string;
  /** The Patient id of the person the token acts for, when that person is a patient: confines every scope. */
  actingPatient?: string;
  /** Absolute URL of the person's FHIR resource, when `fhirUser` was granted. */
  fhirUser?: string;
  encounter?: string;
  iat?: number;
  exp: number;
}

/** The signed-in administrator of a management request. */
export interface AdminPrincipal {
  username: string;
  role: 'admin';
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: TokenPrincipal;
    admin?: AdminPrincipal;
  }
}

export type Surface = 'oauth' | 'fhir' | 'api' | 'other';

/** Which error vocabulary a path speaks. */
export function surfaceOf(url: string): Surface {
  if (url.startsWith('/fhir')) return 'fhir';
  if (url.startsWith('/auth') || url.startsWith('/.well-known')) return 'oauth';
  if (url.startsWith('/api')) return 'api';
  return 'other';
}
