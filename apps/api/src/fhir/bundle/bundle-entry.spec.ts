import { DomainError } from '../../common/errors/domain-error';
import { parseBundleEntries, patchOfEntry, rewriteReferences } from './bundle-entry';

const BASE = 'https://fhir.example.org/fhir';

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    return e as DomainError;
  }
  throw new Error('expected an error');
}

describe('parseBundleEntries (R4 bundle.html#request)', () => {
  const one = (entry: unknown) => parseBundleEntries({ entry: [entry] }, BASE)[0];

  it.each([
    [{ request: { method: 'GET', url: 'Patient/1' } }, { method: 'GET', type: 'Patient', id: '1' }],
    [
      { request: { method: 'get', url: 'Patient/1/_history/2' } },
      { method: 'GET', type: 'Patient', id: '1', versionId: '2' },
    ],
    [
      { request: { method: 'GET', url: 'Patient?name=x&_count=1' } },
      { method: 'GET', type: 'Patient', query: 'name=x&_count=1' },
    ],
    [{ request: { method: 'GET', url: 'Patient/_history' } }, { type: 'Patient', history: true }],
    [{ request: { method: 'GET', url: 'Patient/1/_history' } }, { type: 'Patient', id: '1', history: true }],
    [
      { request: { method: 'DELETE', url: `${BASE}/Patient/1` } },
      { method: 'DELETE', type: 'Patient', id: '1', url: 'Patient/1' },
    ],
    [
      {
        fullUrl: 'urn:uuid:x',
        resource: { resourceType: 'Patient' },
        request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=a|b' },
      },
      { method: 'POST', type: 'Patient', fullUrl: 'urn:uuid:x', ifNoneExist: 'identifier=a|b' },
    ],
    [
      {
        resource: { resourceType: 'Patient', id: '1' },
        request: { method: 'PUT', url: 'Patient/1', ifMatch: 'W/"2"' },
      },
      { method: 'PUT', id: '1', ifMatch: 'W/"2"' },
    ],
  ])('%j', (entry, expected) => {
    expect(one(entry)).toMatchObject(expected);
  });

  it.each([
    [[], 'an entry must be an object'],
    [{ resource: {} }, 'request'],
    [{ request: { method: 'FETCH', url: 'Patient' } }, 'method'],
    [{ request: { method: 'GET' } }, 'url'],
    [{ request: { method: 'GET', url: 'https://elsewhere.example/fhir/Patient/1' } }, 'not on this server'],
    [{ request: { method: 'GET', url: 'patient/1' } }, 'resource type'],
    [{ request: { method: 'GET', url: 'Patient/a b' } }, 'not a resource id'],
    [{ request: { method: 'GET', url: 'Patient/1/x/y/z' } }, 'not supported'],
    [{ request: { method: 'POST', url: 'Patient' } }, 'needs a resource'],
    [{ resource: { resourceType: 'Patient' }, request: { method: 'PUT', url: 'Patient?identifier=x' } }, 'conditional'],
    [{ request: { method: 'DELETE', url: 'Patient' } }, 'Type/id'],
    [{ resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient/1' } }, 'URL of a type'],
  ])('refuses %j (%s)', (entry, message) => {
    const e = errorOf(() => one(entry));
    expect(e.status).toBe(400);
    expect(e.message).toContain(message);
    expect(e.message).toContain('Bundle.entry[0]');
  });

  it('refuses entries that are not an array', () => {
    expect(errorOf(() => parseBundleEntries({ entry: {} }, BASE)).status).toBe(400);
  });
});

describe('rewriteReferences (R4 http.html#trules)', () => {
  const ids = new Map([
    ['urn:uuid:1', 'Patient/abc'],
    ['urn:uuid:2', 'Encounter/def'],
  ]);

  it('replaces every string equal to a fullUrl, and fullUrls inside narrative', () => {
    const resource = {
      resourceType: 'Condition',
      subject: { reference: 'urn:uuid:1' },
      evidence: [{ detail: [{ reference: 'urn:uuid:2' }, { reference: 'Observation/x' }] }],
      note: [{ text: 'urn:uuid:1 stays in plain text' }],
      text: { status: 'generated', div: '<div>see urn:uuid:1 and urn:uuid:2</div>' },
    };
    expect(rewriteReferences(resource, ids)).toEqual({
      ...resource,
      subject: { reference: 'Patient/abc' },
      evidence: [{ detail: [{ reference: 'Encounter/def' }, { reference: 'Observation/x' }] }],
      text: { status: 'generated', div: '<div>see Patient/abc and Encounter/def</div>' },
    });
  });

  it('returns the resource itself when there is nothing to rewrite', () => {
    const resource = { resourceType: 'Patient' };
    expect(rewriteReferences(resource, new Map())).toBe(resource);
  });
});

describe('patchOfEntry', () => {
  it('reads a JSON Patch from a Binary', () => {
    const data = Buffer.from('[{"op":"remove","path":"/a"}]').toString('base64');
    const entry = parseBundleEntries(
      {
        entry: [
          {
            resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data },
            request: { method: 'PATCH', url: 'Patient/1' },
          },
        ],
      },
      BASE,
    )[0];
    expect(patchOfEntry(entry)).toEqual([{ op: 'remove', path: '/a' }]);
  });

  it('refuses anything else', () => {
    const entry = parseBundleEntries(
      { entry: [{ resource: { resourceType: 'Patient' }, request: { method: 'PATCH', url: 'Patient/1' } }] },
      BASE,
    )[0];
    expect(errorOf(() => patchOfEntry(entry)).status).toBe(400);
  });
});
