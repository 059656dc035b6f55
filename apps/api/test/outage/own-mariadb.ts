import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { freePort } from '../support/free-port';

export const MARIADBD = '/usr/sbin/mariadbd';

function installDbCommand(): string {
  for (const candidate of [
    '/usr/bin/mariadb-install-db',
    '/usr/bin/mysql_install_db',
    '/usr/local/bin/mariadb-install-db',
  ])
    if (existsSync(candidate)) return candidate;
  return 'mariadb-install-db';
}

/**
 * A MariaDB server of the test's own: a fresh data directory (mktemp) and a free port, never the shared server.
 * `kill()` is SIGKILL to its PID only; `start()` again reuses the same data directory and port; `destroy()` kills it
 * (if running) and removes the directory.
 */
export class OwnMariadb {
  private child: ChildProcess | null = null;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** Initialises a data directory and starts the server on it. Fails clearly when MariaDB is not installed. */
  static async create(): Promise<OwnMariadb> {
    if (!existsSync(MARIADBD))
      throw new Error(
        `The database-outage test needs a MariaDB server binary at ${MARIADBD} (apt-get install mariadb-server)`,
      );
    const dir = mkdtempSync(join(tmpdir(), 'ccri-outage-'));
    const server = new OwnMariadb(dir, await freePort());
    try {
      await promisify(execFile)(
        installDbCommand(),
        [
          '--no-defaults',
          `--datadir=${server.dataDir}`,
          '--auth-root-authentication-method=normal',
          '--skip-test-db',
          ...server.userArgs(),
        ],
        { timeout: 60_000 },
      );
      await server.start();
      return server;
    } catch (e) {
      await server.destroy();
      throw e;
    }
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The connection URL of `database` on this server. */
  url(database: string): string {
    return `mysql://root@127.0.0.1:${this.port}/${database}`;
  }

  /** Starts mariadbd on the data directory and waits until it accepts connections (at most 30 s). */
  async start(): Promise<void> {
    if (this.child) throw new Error('already running');
    const log = openSync(join(this.dir, 'server.log'), 'a');
    const child = spawn(
      MARIADBD,
      [
        '--no-defaults',
        `--datadir=${this.dataDir}`,
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(this.dir, 'mysqld.sock')}`,
        `--pid-file=${join(this.dir, 'mysqld.pid')}`,
        '--skip-grant-tables',
        '--skip-name-resolve',
        '--skip-log-bin',
        '--innodb-buffer-pool-size=64M',
        // Each commit reaches the OS at once (so it survives the SIGKILL this server is for) but is not fsynced:
        // an operating-system crash is not what these tests simulate, and fsyncs would make the migrations slow.
        '--innodb-flush-log-at-trx-commit=2',
        '--innodb-doublewrite=0',
        '--max-connections=200',
        ...this.userArgs(),
      ],
      { stdio: ['ignore', log, log] },
    );
    closeSync(log);
    this.child = child;
    let exited = false;
    child.once('exit', () => {
      exited = true;
      if (this.child === child) this.child = null;
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (exited) throw new Error(`mariadbd exited at start-up:\n${this.logTail()}`);
      try {
        const conn = await createConnection({ host: '127.0.0.1', port: this.port, user: 'root', connectTimeout: 1000 });
        await conn.end();
        return;
      } catch (e) {
        if (Date.now() > deadline)
          throw new Error(`mariadbd did not accept connections in 30 s: ${String(e)}\n${this.logTail()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** SIGKILL to this server's PID (an outage, not a shutdown); resolves once the process has gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    if (child.exitCode !== null || child.signalCode !== null) {
      this.child = null;
      return;
    }
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
    this.child = null;
  }

  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private userArgs(): string[] {
    // mariadbd refuses to run as root unless told to.
    return process.getuid?.() === 0 ? ['--user=root'] : [];
  }

  private logTail(): string {
    try {
      return readFileSync(join(this.dir, 'server.log'), 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '(no server log)';
    }
  }
}
