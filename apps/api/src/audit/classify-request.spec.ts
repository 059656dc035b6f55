import { classifyRequest } from './classify-request';

describe('classifyRequest', () => {
  it.each([
    ['POST', '/auth/token', { category: 'token', action: 'token' }],
    ['POST', '/auth/revoke', { category: 'token', action: 'revoke' }],
    ['POST', '/auth/register', { category: 'registration', action: 'register.post' }],
    ['GET', '/fhir/metadata', { category: 'fhir', action: 'capabilities' }],
    [
      'GET',
      '/fhir/Patient?family=Smith',
      { category: 'fhir', action: 'search-type', resource_type: 'Patient', resource_id: null },
    ],
    [
      'POST',
      '/fhir/Patient/_search',
      { category: 'fhir', action: 'search-type', resource_type: 'Patient', resource_id: null },
    ],
    ['GET', '/fhir/Patient/123', { category: 'fhir', action: 'read', resource_type: 'Patient', resource_id: '123' }],
    [
      'GET',
      '/fhir/Patient/123/_history/2',
      { category: 'fhir', action: 'vread', resource_type: 'Patient', resource_id: '123' },
    ],
    [
      'GET',
      '/fhir/Patient/123/_history',
      { category: 'fhir', action: 'history-instance', resource_type: 'Patient', resource_id: '123' },
    ],
    ['POST', '/fhir/Condition', { category: 'fhir', action: 'create', resource_type: 'Condition', resource_id: null }],
    ['PUT', '/fhir/Condition/9', { category: 'fhir', action: 'update', resource_type: 'Condition', resource_id: '9' }],
    [
      'DELETE',
      '/fhir/Condition/9',
      { category: 'fhir', action: 'delete', resource_type: 'Condition', resource_id: '9' },
    ],
    ['POST', '/fhir/', { category: 'fhir', action: 'transaction' }],
    ['POST', '/api/clients', { category: 'admin', action: 'POST /api/clients' }],
  ])('%s %s', (method, url, expected) => {
    expect(classifyRequest(method, url)).toEqual(expected);
  });

  it.each([
    ['GET', '/api/clients'],
    ['GET', '/auth/jwks'],
    ['GET', '/health/ready'],
    ['GET', '/admin/'],
    ['GET', '/.well-known/smart-configuration'],
    ['GET', '/fhir/.well-known/smart-configuration'],
  ])('does not record %s %s', (method, url) => {
    expect(classifyRequest(method, url)).toBeNull();
  });
});
