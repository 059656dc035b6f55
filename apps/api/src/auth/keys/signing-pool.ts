import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { JWS_SIGN_PARAMETERS, type JwsSignParameters } from './jws-algorithms';
import type { SigningAlg } from '../../config/app-config';

interface Pending {
  kid: string;
  input: string;
  resolve: (signature: string) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  /** The batch the worker is signing, or null when it is idle. */
  batch: Pending[] | null;
}

/** Signatures per message at most, so one worker's batch never holds a request much longer than the others. */
const MAX_BATCH = 16;

/**
 * JWS signing (every algorithm of jws-algorithms.ts) on worker threads, one per core. Each worker has at most one batch in flight: requests that arrive
 * while every worker is busy wait in a queue and go, together, to the first worker that finishes (as group commit
 * does for writes). Under load a message carries many signatures, so the cost of crossing threads is shared; with
 * a worker idle, a request is sent at once. Inputs and signatures cross as one '\n'-joined string each.
 */
export class SigningPool {
  private readonly slots: Slot[] = [];
  private queue: Pending[] = [];
  private readonly keys = new Map<string, { pem: string; parameters: JwsSignParameters }>();
  private closed = false;

  constructor(size = availableParallelism()) {
    for (let i = 0; i < Math.max(1, size); i++) {
      const slot = { batch: null } as Slot;
      this.start(slot);
      this.slots.push(slot);
    }
  }

  /** Gives every worker a private key (PKCS#8 PEM) that signs with `alg`. */
  addKey(kid: string, pem: string, alg: SigningAlg = 'RS256'): void {
    if (kid.includes('\n')) throw new Error('A key id must not contain a line break');
    const key = { pem, parameters: JWS_SIGN_PARAMETERS[alg] };
    this.keys.set(kid, key);
    for (const { worker } of this.slots) worker.postMessage({ type: 'key', kid, ...key });
  }

  /** The base64url signature (with the algorithm of key `kid`) of `input` (a JWS signing input: base64url segments and '.') with key `kid`. */
  sign(kid: string, input: string): Promise<string> {
    if (this.closed) return Promise.reject(new Error('The signing pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ kid, input, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.failAll(new Error('The signing pool is closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }

  /** Hands the queue to the idle workers, shared evenly between them. */
  private dispatch(): void {
    if (this.queue.length === 0) return;
    const idle = this.slots.filter((s) => s.batch === null);
    if (idle.length === 0) return;
    const per = Math.min(MAX_BATCH, Math.ceil(this.queue.length / idle.length));
    for (const slot of idle) {
      if (this.queue.length === 0) break;
      const batch = this.queue.splice(0, per);
      slot.batch = batch;
      slot.worker.postMessage({
        type: 'sign',
        kids: batch.map((p) => p.kid).join('\n'),
        inputs: batch.map((p) => p.input).join('\n'),
      });
    }
  }

  /** (Re)starts a slot's worker with every key; a worker that died fails its batch and is replaced. */
  private start(slot: Slot): void {
    const worker = new Worker(join(__dirname, 'signing.worker.js'));
    worker.unref();
    worker.on('message', (m: { signatures?: string; error?: string }) => this.settle(slot, m));
    worker.on('error', (e) => {
      for (const p of slot.batch ?? []) p.reject(e);
      slot.batch = null;
      if (this.closed) return;
      this.start(slot);
      this.dispatch();
    });
    for (const [kid, key] of this.keys) worker.postMessage({ type: 'key', kid, ...key });
    slot.worker = worker;
  }

  private settle(slot: Slot, m: { signatures?: string; error?: string }): void {
    const batch = slot.batch;
    slot.batch = null;
    if (batch) {
      const signatures = m.signatures?.split('\n');
      batch.forEach((p, i) =>
        signatures ? p.resolve(signatures[i]) : p.reject(new Error(m.error ?? 'signing failed')),
      );
    }
    this.dispatch();
  }

  private failAll(e: Error): void {
    for (const slot of this.slots) {
      for (const p of slot.batch ?? []) p.reject(e);
      slot.batch = null;
    }
    for (const p of this.queue.splice(0)) p.reject(e);
  }
}
