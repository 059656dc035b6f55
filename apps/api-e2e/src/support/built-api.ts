import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../../api/test/support/free-port';

export const repoRoot = path.resolve(__dirname, '../../../..');
export const apiMain = path.join(repoRoot, 'apps/api/dist/main.js');

export interface StartedApi {
  readonly baseUrl: string;
  readonly pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Stops the process by its PID (SIGTERM, then SIGKILL) and removes its temporary directory. */
  stop(): Promise<void>;
  /** Resolves true once the process has exited, false if it is still running after `ms`. */
  exited(ms: number): Promise<boolean>;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Starts `node --no-allocation-site-pretenuring apps/api/dist/main.js` from the repository root, as `npm start` does, on a fresh SQLite
 * file in a temporary directory. NODE_ENV and every other setting are left unset, so the API runs in its
 * demo mode with its defaults (the dashboard from apps/admin/dist); only PORT and DATABASE_URL are given.
 * Resolves once `GET /health/ready` answers 200.
 */
export async function startBuiltApi(
  readyTimeoutMs = 90_000,
  extraEnv: Record<string, string> = {},
): Promise<StartedApi> {
  if (!existsSync(apiMain)) {
    throw new Error(`${path.relative(repoRoot, apiMain)} is missing: run \`npm run build\` first`);
  }
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ccri-api-e2e-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: dataDir,
    PORT: String(port),
    DATABASE_URL: `sqlite:${path.join(dataDir, 'e2e.sqlite')}`,
    ...extraEnv,
  };
  const child = spawn(process.execPath, ['--no-allocation-site-pretenuring', apiMain], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk));
  const output = () => Buffer.concat(chunks).toString('utf8');
  const outputTail = () => output().slice(-6_000);
  const baseUrl = `http://127.0.0.1:${port}`;

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid, 'SIGTERM');
        if (!(await waitForExit(child, 10_000))) {
          process.kill(child.pid, 'SIGKILL');
          await waitForExit(child, 5_000);
        }
      }
      rmSync(dataDir, { recursive: true, force: true });
    })();
    return stopped;
  };

  const deadline = Date.now() + readyTimeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(
        `the API exited (${child.exitCode ?? child.signalCode}) before it was ready; its output ended:\n${outputTail()}`,
      );
    }
    try {
      const res = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200)
        return { baseUrl, pid: child.pid as number, output, stop, exited: (ms) => waitForExit(child, ms) };
      lastProblem = `GET /health/ready answered ${res.status}`;
    } catch (err) {
      lastProblem = (err as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(
    `the API was not ready after ${readyTimeoutMs / 1000} s (${lastProblem}); its output ended:\n${outputTail()}`,
  );
}
