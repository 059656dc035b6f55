import demoClients from './ccri-demo-clients.json';

export const DEMO_SMART_APP_CLIENT_ID = 'ccri-demo-app';

/**
 * The clients demo mode seeds: the CCRI's published demo clients (their secrets are public) and the demo SMART app.
 * Known by id, so a database seeded before this list existed is covered too; outside demo mode none of them
 * authenticates, whatever pepper hashed their secrets.
 */
export const DEMO_CLIENT_IDS: ReadonlySet<string> = new Set([
  ...demoClients.clients.map((c) => c.client_id),
  DEMO_SMART_APP_CLIENT_ID,
]);
