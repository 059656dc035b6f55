import type { AddressInfo } from 'node:net';
import { createApp } from '../../../api/src/app.factory';
import { adminDist } from './paths';

export const ADMIN_USERNAME = 'e2e-admin';
export const ADMIN_PASSWORD = 'e2e-admin-password-0123';

export interface RunningApi {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly baseUrl: string;
  close(): Promise<void>;
}

/**
 * The real API, configured exactly as in production by its own factory, on an in-memory SQLite database
 * and an ephemeral port, serving the built dashboard at /admin.
 */
export async function startApi(overrides: Record<string, string> = {}): Promise<RunningApi> {
  const { app } = await createApp({
    DATABASE_URL: 'sqlite::memory:',
    ADMIN_USERNAME,
    ADMIN_PASSWORD,
    ADMIN_STATIC_DIR: adminDist,
    NODE_ENV: 'test',
    ...overrides,
  });
  // createApp initialises the app without listening; the OS picks a free port.
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}
