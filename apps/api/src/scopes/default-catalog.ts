import { NON_RESOURCE_SCOPES } from '@ccri/smart-scopes';

const NAMED_DESCRIPTIONS: Record<string, string> = {
  openid: 'OpenID Connect sign-in',
  profile: "Publicly available information (the CCRI's Limited Access) and the user's profile",
  fhirUser: 'The FHIR resource of the signed-in user',
  launch: 'EHR launch context',
  'launch/patient': 'Ask for a patient to be chosen at launch',
  'launch/encounter': 'Ask for an encounter to be chosen at launch',
  offline_access: 'A refresh token that outlives the session',
  online_access: 'A refresh token for the session',
  email: "The user's email address (OpenID Connect userinfo)",
  introspect: 'Introspect any access token (resource servers, SMART token introspection)',
};

const CONTEXT_WORDS = { patient: "the patient's", user: "the user's permitted", system: 'all' } as const;

/** The catalog seeded at first start: the named scopes and v1 read/write scopes for the served types. */
interface CatalogSeed {
  scope: string;
  description: string;
  resource_types: string[];
  self_service: boolean;
}

export function defaultCatalog(resourceTypes: readonly string[]): CatalogSeed[] {
  const entries: CatalogSeed[] = NON_RESOURCE_SCOPES.map((s) => ({
    scope: s,
    description: NAMED_DESCRIPTIONS[s] ?? s,
    resource_types: [] as string[],
    self_service: s === 'profile',
  }));
  for (const context of ['patient', 'user', 'system'] as const) {
    entries.push({
      scope: `${context}/*.read`,
      description: `Read ${CONTEXT_WORDS[context]} data of every type`,
      resource_types: ['*'],
      self_service: false,
    });
    for (const type of resourceTypes) {
      entries.push({
        scope: `${context}/${type}.read`,
        description: `Read and search ${CONTEXT_WORDS[context]} ${type} resources`,
        resource_types: [type],
        self_service: context !== 'system',
      });
      entries.push({
        scope: `${context}/${type}.write`,
        description: `Create, update and delete ${CONTEXT_WORDS[context]} ${type} resources`,
        resource_types: [type],
        self_service: false,
      });
    }
  }
  return entries;
}
