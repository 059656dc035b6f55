import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

interface Pending {
  input: string;
  resolve: (signature: string) => void;
  reject: (e: Error) => void;
}

/**
 * RS256 signing on worker threads, one per core. The requests of one turn of the event loop go to the workers as
 * a few batches (round-robin), so the message cost is shared and the event loop keeps only the HTTP work.
 */
export class SigningPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { batch: Pending[] }>();
  private queue: Pending[] = [];
  private queuedKid = '';
  private scheduled = false;
  private nextId = 0;
  private nextWorker = 0;

  constructor(size = availableParallelism()) {
    for (let i = 0; i < Math.max(1, size); i++) {
      const worker = new Worker(join(__dirname, 'signing.worker.js'));
      worker.unref();
      worker.on('message', (m: { id: number; signatures?: string; error?: string }) => this.settle(m));
      worker.on('error', (e) => this.failAll(e));
      this.workers.push(worker);
    }
  }

  /** Gives every worker a private key (PKCS#8 PEM). */
  addKey(kid: string, pem: string): void {
    for (const worker of this.workers) worker.postMessage({ type: 'key', kid, pem });
  }

  /** The base64url RS256 signature of `input` with key `kid`. */
  sign(kid: string, input: string): Promise<string> {
    return new Promise((resolve, reject) => {
      if (kid !== this.queuedKid && this.queue.length > 0) this.flush();
      this.queuedKid = kid;
      this.queue.push({ input, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  async close(): Promise<void> {
    this.failAll(new Error('The signing pool is closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }

  private flush(): void {
    this.scheduled = false;
    const all = this.queue;
    this.queue = [];
    if (all.length === 0) return;
    const per = Math.ceil(all.length / this.workers.length);
    for (let i = 0; i < all.length; i += per) {
      const batch = all.slice(i, i + per);
      const id = this.nextId++;
      this.waiting.set(id, { batch });
      const worker = this.workers[this.nextWorker++ % this.workers.length];
      // JWS signing inputs are base64url segments joined by '.', so '\n' separates them safely, and one string
      // crosses to the thread far cheaper than an array of many.
      worker.postMessage({ type: 'sign', id, kid: this.queuedKid, inputs: batch.map((p) => p.input).join('\n') });
    }
  }

  private settle(m: { id: number; signatures?: string; error?: string }): void {
    const entry = this.waiting.get(m.id);
    if (!entry) return;
    this.waiting.delete(m.id);
    const signatures = m.signatures?.split('\n');
    entry.batch.forEach((p, i) =>
      signatures ? p.resolve(signatures[i]) : p.reject(new Error(m.error ?? 'signing failed')),
    );
  }

  private failAll(e: Error): void {
    for (const { batch } of this.waiting.values()) for (const p of batch) p.reject(e);
    this.waiting.clear();
    for (const p of this.queue.splice(0)) p.reject(e);
  }
}
