import { DataSource } from 'typeorm';
import { after, each, insertSql, Maybe, SqliteRunner } from './driver-adapter';

describe('the SQL runner composition', () => {
  it('stays synchronous over values answered at once, and chains over promises in order', async () => {
    expect(after(2, (n) => n * 3)).toBe(6);
    const later = after(Promise.resolve(2), (n) => n * 3);
    expect(later).toBeInstanceOf(Promise);
    expect(await later).toBe(6);

    const seen: number[] = [];
    const sync = each([1, 2, 3, 4], (n) => {
      seen.push(n);
      return n === 3;
    });
    expect(sync).toBeUndefined();
    expect(seen).toEqual([1, 2, 3]);

    const order: string[] = [];
    const step = (n: number): Maybe<boolean> =>
      n % 2
        ? new Promise((resolve) => setTimeout(() => (order.push(`async ${n}`), resolve(false)), 5 - n))
        : (order.push(`sync ${n}`), false);
    await each([1, 2, 3, 4], step);
    expect(order).toEqual(['async 1', 'sync 2', 'async 3', 'sync 4']);
  });

  it('writes one INSERT for one row or for many', () => {
    const sqlFor = insertSql('t', ['a', 'b']);
    expect(sqlFor(1)).toBe('INSERT INTO t (a, b) VALUES (?, ?)');
    expect(sqlFor(3)).toBe('INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?)');
  });
});

describe('SqliteRunner', () => {
  let dataSource: DataSource;
  let runner: SqliteRunner;

  beforeAll(async () => {
    dataSource = await new DataSource({ type: 'better-sqlite3', database: ':memory:' }).initialize();
    runner = new SqliteRunner(dataSource);
    runner.run([{ sql: 'CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)', rows: [[]] }]);
  });

  afterAll(() => dataSource.destroy());

  it('reads and writes at once on the connection TypeORM opened', () => {
    runner.run([
      {
        sql: insertSql('t', ['a', 'b'])(1),
        rows: [
          [1, 'x'],
          [2, 'y'],
        ],
      },
    ]);
    expect(runner.all('SELECT a, b FROM t ORDER BY a', [])).toEqual([
      { a: 1, b: 'x' },
      { a: 2, b: 'y' },
    ]);
    expect(runner.get('SELECT b FROM t WHERE a = ?', [2])).toEqual({ b: 'y' });
    expect(runner.get('SELECT b FROM t WHERE a = ?', [3])).toBeUndefined();
  });

  it('writes batches all or nothing', () => {
    expect(() =>
      runner.runAtomically([
        {
          sql: 'INSERT INTO t (a, b) VALUES (?, ?)',
          rows: [
            [10, 'new'],
            [1, 'duplicate key'],
          ],
        },
      ]),
    ).toThrow(/UNIQUE/);
    expect(runner.get('SELECT b FROM t WHERE a = ?', [10])).toBeUndefined();
  });

  it('waits for a transaction another module opened on the shared connection before starting its own', async () => {
    const other = dataSource.createQueryRunner();
    await other.startTransaction();
    await other.query('INSERT INTO t (a, b) VALUES (?, ?)', [20, 'other']);
    let ran = false;
    const mine = runner.transaction(() => {
      ran = true;
      return runner.get<{ b: string }>('SELECT b FROM t WHERE a = ?', [20])?.b;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran).toBe(false);
    await other.commitTransaction();
    await other.release();
    expect(await mine).toBe('other');
  });
});
