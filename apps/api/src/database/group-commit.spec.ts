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
});
