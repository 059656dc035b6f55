import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { WorkerPool } from '../../common/runtime/worker-pool';
import type { SigningAlg } from '../../config/app-config';
import { JWS_SIGN_PARAMETERS, type JwsSignParameters } from './jws-algorithms';

interface SignRequest {
  kid: string;
  input: string;
}

/** Signatures per message at most, so one worker's batch never holds a request much longer than the others. */
const MAX_BATCH = 16;

/**
 * JWS signing (every algorithm of jws-algorithms.ts) on worker threads, one per core (a WorkerPool of
 * signing.worker.js). Under load a message carries many signatures, so the cost of crossing threads is shared; the
 * requests of one turn of the event loop go together. Inputs and signatures cross as one '\n'-joined string each. A
 * worker that dies fails its batch and is replaced, with every key.
 */
export class SigningPool {
  private readonly keys = new Map<string, { pem: string; parameters: JwsSignParameters }>();
  private readonly pool: WorkerPool<SignRequest, string>;

  constructor(size = availableParallelism()) {
    this.pool = new WorkerPool<SignRequest, string>({
      name: 'signing',
      file: join(__dirname, 'signing.worker.js'),
      size,
      maxBatch: MAX_BATCH,
      encode: (batch) => ({
        type: 'sign',
        kids: batch.map((r) => r.kid).join('\n'),
        inputs: batch.map((r) => r.input).join('\n'),
      }),
      decode: (answer) => {
        const m = answer as { signatures?: string; error?: string };
        return m.signatures?.split('\n') ?? new Error(m.error ?? 'signing failed');
      },
      setup: () => [...this.keys].map(([kid, key]) => ({ type: 'key', kid, ...key })),
    });
  }

  /** Gives every worker a private key (PKCS#8 PEM) that signs with `alg`. */
  addKey(kid: string, pem: string, alg: SigningAlg = 'RS256'): void {
    if (kid.includes('\n')) throw new Error('A key id must not contain a line break');
    const key = { pem, parameters: JWS_SIGN_PARAMETERS[alg] };
    this.keys.set(kid, key);
    this.pool.broadcast({ type: 'key', kid, ...key });
  }

  /** The base64url signature of `input` (a JWS signing input: base64url segments and '.') with key `kid`, in its algorithm. */
  sign(kid: string, input: string): Promise<string> {
    return this.pool.run({ kid, input });
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
