export * from './lib/client';
export * from './lib/audit';
export * from './lib/scopes';
export * from './lib/fhir';
export * from './lib/management';
export * from './lib/people';
export * from './lib/federation';
