/** An entry of the scope catalog (`GET /api/scopes`). */
export interface ScopeCatalogEntry {
  scope: string;
  description: string;
  /** Resource types the scope reaches ('*' for all). */
  resource_types: string[];
  /** Offered on the self-service registration allow-list. */
  self_service: boolean;
}

/** The body of `PUT /api/scopes/{scope}`: what an administrator says about a scope (creating its entry if need be). */
export type UpdateScopeEntryRequest = Partial<
  Pick<ScopeCatalogEntry, 'description' | 'resource_types' | 'self_service'>
>;

/** Resource types any valid token may read (the CCRI's "publicly available information"). */
export const DEFAULT_PUBLIC_RESOURCE_TYPES = [
  'Organization',
  'Location',
  'Practitioner',
  'PractitionerRole',
  'HealthcareService',
] as const;
