import type { OAuthEndpoints } from '../../auth/oauth-endpoints';
import type { SearchParameterRegistry } from '../search/search-parameter-registry';

/** The SMART `oauth-uris` extension (SMART App Launch 1.0 §Conformance, CapabilityStatement.rest.security). */
export const SMART_OAUTH_URIS = 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris';
export const RESTFUL_SECURITY_SERVICE = 'http://terminology.hl7.org/CodeSystem/restful-security-service';

/** Sub-extensions of oauth-uris, in the order they are listed; each appears only when the endpoint is served. */
const OAUTH_URI_KEYS = ['token', 'register', 'revoke', 'introspect', 'manage', 'authorize'] as const;

/** The interactions every stored type supports (R4 valueset-type-restful-interaction). */
export const TYPE_INTERACTIONS = [
  'read',
  'vread',
  'update',
  'patch',
  'delete',
  'history-instance',
  'history-type',
  'create',
  'search-type',
] as const;

/** Interactions on the base (R4 valueset-system-restful-interaction). */
export const SYSTEM_INTERACTIONS = ['transaction', 'batch', 'history-system'] as const;

/** A type served read-only from elsewhere than the store (AuditEvent from the audit trail). */
export interface ReadOnlyType {
  type: string;
  searchParam: { name: string; type: string; definition?: string; documentation?: string }[];
}

/** An operation another module serves (R4 CapabilityStatement.rest.operation, .rest.resource.operation). */
export interface CapabilityOperation {
  name: string;
  definition: string;
  /** The resource type it is invoked on; absent for the system level. */
  type?: string;
}

export interface CapabilityInput {
  operations?: readonly CapabilityOperation[];
  fhirBase: string;
  types: readonly string[];
  registry: SearchParameterRegistry;
  endpoints: OAuthEndpoints;
  date: string;
  readOnly?: readonly ReadOnlyType[];
}

/**
 * The CapabilityStatement of what this server really serves (FHIR R4 capabilitystatement.html), generated from the
 * served type list and the search parameter registry, with the SMART security block.
 */
export function buildCapabilityStatement(input: CapabilityInput): Record<string, unknown> {
  const oauthUris = OAUTH_URI_KEYS.filter((k) => input.endpoints[k]).map((k) => ({
    url: k,
    valueUri: input.endpoints[k],
  }));
  const references = (type: string) =>
    [...input.registry.forType(type).values()]
      .filter((p) => p.type === 'reference')
      .map((p) => p.code)
      .sort();
  const revIncludes = new Map<string, string[]>();
  for (const source of input.types) {
    for (const p of input.registry.forType(source).values()) {
      if (p.type !== 'reference') continue;
      for (const target of p.targets.length ? p.targets : input.types) {
        const list = revIncludes.get(target) ?? [];
        list.push(`${source}:${p.code}`);
        revIncludes.set(target, list);
      }
    }
  }
  const stored = input.types.map((type) => ({
    type,
    profile: `http://hl7.org/fhir/StructureDefinition/${type}`,
    interaction: TYPE_INTERACTIONS.map((code) => ({ code })),
    versioning: 'versioned-update',
    readHistory: true,
    updateCreate: true,
    conditionalCreate: true,
    conditionalRead: 'not-supported',
    conditionalUpdate: true,
    conditionalDelete: 'single',
    searchInclude: references(type).map((code) => `${type}:${code}`),
    searchRevInclude: (revIncludes.get(type) ?? []).sort(),
    searchParam: [...input.registry.forType(type).values()]
      .sort((a, b) => a.code.localeCompare(b.code))
      .map((p) => ({ name: p.code, definition: p.url, type: p.type })),
    ...operationsOf(input.operations, type),
  }));
  const readOnly = (input.readOnly ?? []).map((r) => ({
    type: r.type,
    profile: `http://hl7.org/fhir/StructureDefinition/${r.type}`,
    interaction: [{ code: 'read' }, { code: 'search-type' }],
    versioning: 'no-version',
    readHistory: false,
    updateCreate: false,
    searchParam: r.searchParam,
  }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: input.date,
    publisher: 'CCRI SMART on FHIR',
    kind: 'instance',
    software: { name: 'CCRI SMART on FHIR' },
    implementation: {
      description: 'Care Connect Reference Implementation (CCRI) FHIR R4 API, secured with SMART on FHIR',
      url: input.fhirBase,
    },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    patchFormat: ['application/json-patch+json'],
    rest: [
      {
        mode: 'server',
        security: {
          cors: true,
          extension: [{ url: SMART_OAUTH_URIS, extension: oauthUris }],
          service: [
            {
              coding: [{ system: RESTFUL_SECURITY_SERVICE, code: 'SMART-on-FHIR', display: 'SMART-on-FHIR' }],
              text: 'OAuth2 using SMART-on-FHIR profile',
            },
          ],
          description: 'Bearer access tokens from the token endpoint (client_credentials); SMART v1 and v2 scopes',
        },
        resource: [...stored, ...readOnly].sort((a, b) => a.type.localeCompare(b.type)),
        interaction: SYSTEM_INTERACTIONS.map((code) => ({ code })),
        ...operationsOf(input.operations, undefined),
      },
    ],
  };
}

/** The `operation` element listing the operations declared for one type (or the system level), if any. */
function operationsOf(
  operations: readonly CapabilityOperation[] | undefined,
  type: string | undefined,
): { operation?: { name: string; definition: string }[] } {
  const list = (operations ?? [])
    .filter((o) => o.type === type)
    .map((o) => ({ name: o.name, definition: o.definition }));
  return list.length > 0 ? { operation: list } : {};
}
