import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { FastInsertService } from '../../src/database/fast-insert.service';
import { IssuedTokenEntity } from '../../src/auth/tokens/issued-token.entity';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * The rows every request writes (audit records, issued tokens) are group-committed without pause under load
 * (FastInsertService). The embedded database's write-ahead log must stay bounded meanwhile: a checkpoint has to
 * complete now and then, or the log (and the disk it takes) grows without end. A checkpointer thread of its own, beside
 * a connection that commits continuously, never completes one (its log passed 130 MB in 16 s of reads).
 */
describe('SQLite write-ahead log under continuous group-committed writes', () => {
  let dir: string;
  let file: string;
  let t: TestApp;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ccri-sqlite-log-'));
    file = join(dir, 'ccri.sqlite');
    t = await createTestApp('sqlite', {}, { databaseUrl: `sqlite:${file}` });
  });

  afterAll(async () => {
    if (t) await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the log under 16 MB while 40 MB of rows are committed back to back, every row readable', async () => {
    const tokens = t.app.get(FastInsertService).table(IssuedTokenEntity);
    const scope = 'patient/Observation.rs '.repeat(40);
    const now = Date.now();
    let written = 0;
    let largestLog = 0;
    // 100 writers, each pushing its next row as soon as the last is committed: the queue never empties.
    const writer = async (w: number) => {
      for (let i = 0; i < 400; i++) {
        await tokens.push({
          jti: `log-${w}-${i}`,
          kind: 'access',
          clientId: 'log-test',
          scope,
          patient: null,
          kid: 'k',
          issuedAt: new Date(now),
          expiresAt: new Date(now + 3_600_000),
          grantId: null,
          revokedAt: null,
        });
        written += scope.length;
        if (i % 20 === 0) largestLog = Math.max(largestLog, statSync(`${file}-wal`).size);
      }
    };
    await Promise.all(Array.from({ length: 100 }, (_, w) => writer(w)));
    expect(written).toBeGreaterThan(36_000_000);
    expect(largestLog).toBeLessThan(16 * 1024 * 1024);
    const count = await t.app.get(DataSource).getRepository(IssuedTokenEntity).countBy({ clientId: 'log-test' });
    expect(count).toBe(40_000);
  });
});
