import { SERVED_RESOURCE_TYPES } from '../fhir-resource-types';
import { SearchParameterRegistry } from '../search/search-parameter-registry';
import { buildCapabilityStatement, SMART_OAUTH_URIS } from './capability-statement';

const registry = new SearchParameterRegistry(SERVED_RESOURCE_TYPES);

describe('buildCapabilityStatement', () => {
  const build = (endpoints: Record<string, string>) =>
    buildCapabilityStatement({
      fhirBase: 'https://x/fhir',
      types: ['Patient'],
      registry,
      endpoints: {
        issuer: 'https://x',
        jwks: 'https://x/auth/jwks',
        token: 'https://x/auth/token',
        manage: 'https://x/admin',
        ...endpoints,
      },
      date: '2020-01-01T00:00:00.000Z',
    }) as { rest: { security: { extension: { url: string; extension: { url: string; valueUri: string }[] }[] } }[] };

  it('lists only the OAuth endpoints that are served, in a fixed order', () => {
    const uris = build({}).rest[0].security.extension.find((e) => e.url === SMART_OAUTH_URIS)!.extension;
    expect(uris).toEqual([
      { url: 'token', valueUri: 'https://x/auth/token' },
      { url: 'manage', valueUri: 'https://x/admin' },
    ]);
    const all = build({
      revoke: 'r',
      register: 'g',
      introspect: 'i',
      authorize: 'a',
    }).rest[0].security.extension[0].extension.map((e) => e.url);
    expect(all).toEqual(['token', 'register', 'revoke', 'introspect', 'manage', 'authorize']);
  });
});
