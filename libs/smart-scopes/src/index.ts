export * from './lib/scope';
export * from './lib/negotiate';
export * from './lib/permissions';
