import { GroupCommitQueue } from './group-commit';

describe('GroupCommitQueue', () => {
  it('writes rows pushed in one turn as one batch and settles each after its batch commits', async () => {
    const batches: number[][] = [];
    let committed = false;
    const q = new GroupCommitQueue<number>(async (rows) => {
      batches.push(rows);
      await new Promise((r) => setTimeout(r, 5));
      committed = true;
    });
    const settled = [q.push(1), q.push(2), q.push(3)].map((p) => p.then(() => committed));
    expect(await Promise.all(settled)).toEqual([true, true, true]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('groups rows that arrive during a write into the next batch', async () => {
    const batches: number[][] = [];
    const q = new GroupCommitQueue<number>(async (rows) => {
      batches.push(rows);
      await new Promise((r) => setTimeout(r, 10));
    });
    const first = q.push(1);
    await new Promise((r) => setImmediate(r));
    const later = [q.push(2), q.push(3)];
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('rejects every caller of a failed batch, and keeps working afterwards', async () => {
    let fail = true;
    const q = new GroupCommitQueue<number>(async () => {
      if (fail) throw new Error('disk full');
    });
    await expect(Promise.all([q.push(1), q.push(2)])).rejects.toThrow('disk full');
    fail = false;
    await expect(q.push(3)).resolves.toBeUndefined();
  });

  it('drain waits for the rows in flight', async () => {
    const written: number[] = [];
    const q = new GroupCommitQueue<number>(async (rows) => {
      await new Promise((r) => setTimeout(r, 5));
      written.push(...rows);
    });
    void q.push(7);
    await q.drain();
    expect(written).toEqual([7]);
  });

  it('with several writes allowed in flight, starts the next batch without waiting for the first commit', async () => {
    const started: number[][] = [];
    let release!: () => void;
    const firstCommit = new Promise<void>((r) => (release = r));
    const q = new GroupCommitQueue<number>(
      async (rows) => {
        started.push(rows);
        if (rows.includes(1)) await firstCommit;
      },
      1000,
      2,
    );
    const first = q.push(1);
    await new Promise((r) => setImmediate(r));
    await q.push(2); // commits while the first batch is still open
    expect(started).toEqual([[1], [2]]);
    release();
    await first;
  });

  it('never has more batches in flight than allowed, and drain waits for all of them', async () => {
    let open = 0;
    let most = 0;
    const written: number[] = [];
    const q = new GroupCommitQueue<number>(
      async (rows) => {
        open++;
        most = Math.max(most, open);
        await new Promise((r) => setTimeout(r, 5));
        written.push(...rows);
        open--;
      },
      2,
      3,
    );
    for (let i = 0; i < 20; i++) void q.push(i);
    await q.drain();
    expect(most).toBe(3);
    expect(written.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('a write that throws before returning a promise rejects its callers instead of stalling the queue', async () => {
    let calls = 0;
    const q = new GroupCommitQueue<number>((() => {
      calls++;
      if (calls === 1) throw new Error('statement failed to prepare');
      return Promise.resolve();
    }) as (rows: number[]) => Promise<void>);
    await expect(q.push(1)).rejects.toThrow('statement failed to prepare');
    await expect(q.push(2)).resolves.toBeUndefined();
    await q.drain();
  });
});
