import { Permission, ResourceScope, Scope, ScopeContext } from './scope';

/**
 * The SMART v2 permission each FHIR interaction needs (SMART App Launch 2.x, "Scopes for requesting FHIR resources":
 * c = create, r = read/vread/history-instance, u = update/patch, d = delete, s = search/history-type/history-system).
 */
export const INTERACTION_PERMISSION: Readonly<Record<string, Permission>> = {
  read: 'r',
  vread: 'r',
  'history-instance': 'r',
  'history-type': 's',
  'history-system': 's',
  'search-type': 's',
  'search-system': 's',
  create: 'c',
  update: 'u',
  patch: 'u',
  delete: 'd',
};

export interface AccessRequest {
  resourceType: string;
  permission: Permission;
}

/** The resource scopes among `granted` that permit `request`, most general context first (system, user, patient). */
export function matchingScopes(granted: readonly Scope[], request: AccessRequest): ResourceScope[] {
  const out: ResourceScope[] = [];
  for (const scope of granted) {
    if (scope.kind !== 'resource') continue;
    if (scope.resourceType !== '*' && scope.resourceType !== request.resourceType) continue;
    if (!scope.permissions.has(request.permission)) continue;
    out.push(scope);
  }
  const rank: Record<ScopeContext, number> = { system: 0, user: 1, patient: 2 };
  return out.sort((a, b) => rank[a.context] - rank[b.context]);
}

/** True when any granted resource scope permits the request. */
export function permits(granted: readonly Scope[], request: AccessRequest): boolean {
  return matchingScopes(granted, request).length > 0;
}
