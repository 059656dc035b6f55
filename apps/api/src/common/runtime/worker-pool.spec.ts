import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkerCrashError, WorkerPool } from './worker-pool';

/** A worker that squares numbers, and exits when asked to square -1 (a crash in the middle of a batch). */
const SQUARES = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (numbers) => {
  if (numbers.includes(-1)) process.exit(3);
  if (numbers.includes(-2)) throw new Error('boom');
  parentPort.postMessage(numbers.map((n) => n * n));
});`;

describe('WorkerPool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'worker-pool-'));
  const file = join(dir, 'squares.worker.js');
  writeFileSync(file, SQUARES);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const pool = (maxBatch: number) =>
    new WorkerPool<number, number>({
      name: 'squaring',
      file,
      size: 2,
      maxBatch,
      encode: (inputs) => inputs,
      decode: (answer) => answer as number[],
    });

  it('answers every input of a burst with its own output', async () => {
    const p = pool(8);
    const inputs = Array.from({ length: 100 }, (_, i) => i);
    expect(await Promise.all(inputs.map((n) => p.run(n)))).toEqual(inputs.map((n) => n * n));
    await p.close();
  });

  it('fails only the batch of a worker that dies, replaces the worker and keeps working', async () => {
    const p = pool(1);
    const results = await Promise.allSettled([p.run(2), p.run(-1), p.run(3), p.run(-2), p.run(4)]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).name))).toEqual([
      4,
      'WorkerCrashError',
      9,
      'WorkerCrashError',
      16,
    ]);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(WorkerCrashError);
    expect(((results[3] as PromiseRejectedResult).reason as Error).message).toMatch(/squaring worker stopped.*boom/);
    // Both workers were replaced: the pool still uses two.
    expect(p.size).toBe(2);
    expect(await Promise.all([5, 6, 7].map((n) => p.run(n)))).toEqual([25, 36, 49]);
    await p.close();
  });

  it('sends the inputs of one turn of the event loop together, in as few messages as the idle workers share', async () => {
    const messages: number[][] = [];
    const p = new WorkerPool<number, number>({
      name: 'squaring',
      file,
      size: 2,
      maxBatch: 16,
      encode: (inputs) => (messages.push(inputs), inputs),
      decode: (answer) => answer as number[],
    });
    // Six requests in one turn (as the requests read in one poll phase), with both workers idle.
    expect(await Promise.all([1, 2, 3, 4, 5, 6].map((n) => p.run(n)))).toEqual([1, 4, 9, 16, 25, 36]);
    expect(messages).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    await p.close();
  });

  it('rejects work once closed', async () => {
    const p = pool(4);
    await p.close();
    await expect(p.run(1)).rejects.toThrow(/squaring pool is closed/);
  });
});
