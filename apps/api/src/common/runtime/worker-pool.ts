import { Worker } from 'node:worker_threads';

/** What a pool does with the inputs it is given; see WorkerPool. */
export interface WorkerPoolOptions<In, Out> {
  /** What the pool's work is called in its errors ("signing", "validation"). */
  name: string;
  /**
   * Absolute path of the worker script. A plain `.js` file beside the TypeScript: the build (swc `--copy-files`)
   * copies it to dist beside the compiled modules it requires.
   */
  file: string;
  /** Workers (at least one). */
  size: number;
  /** Inputs one message may carry at most, so one worker's batch never holds a request much longer than the others. */
  maxBatch: number;
  /** The message that carries a batch of inputs to a worker. */
  encode(inputs: In[]): unknown;
  /** One output per input from a worker's answer, or the Error that fails the whole batch. */
  decode(answer: unknown, inputs: In[]): Out[] | Error;
  /** Messages every new worker gets before any work (a replacement too), e.g. the signing keys. */
  setup?(): unknown[];
  /** `workerData` of every worker. */
  workerData?: unknown;
}

/** A worker stopped (crashed, ran out of memory, exited) while it held these inputs; it has been replaced. */
export class WorkerCrashError extends Error {
  constructor(name: string, cause: string) {
    super(`The ${name} worker stopped unexpectedly (${cause})`);
    this.name = 'WorkerCrashError';
  }
}

interface Pending<In, Out> {
  input: In;
  resolve: (output: Out) => void;
  reject: (e: Error) => void;
}

interface Slot<In, Out> {
  worker: Worker;
  /** The batch the worker is working on, or null when it is idle. */
  batch: Pending<In, Out>[] | null;
}

/**
 * A small pool of worker threads for CPU work the event loop should not do (RSA signing, resource validation). Each
 * worker has at most one batch in flight: inputs that arrive while every worker is busy wait in a queue and go,
 * together, to the first worker that finishes (as group commit does for writes). Under load a message carries many
 * inputs, so the cost of crossing threads is shared; with a worker idle, the inputs of one turn of the event loop go
 * together. A worker that dies
 * fails only the batch it held, with a WorkerCrashError, and is replaced.
 */
export class WorkerPool<In, Out> {
  private readonly slots: Slot<In, Out>[] = [];
  private queue: Pending<In, Out>[] = [];
  private closed = false;
  private dispatchScheduled = false;

  constructor(private readonly options: WorkerPoolOptions<In, Out>) {
    for (let i = 0; i < Math.max(1, options.size); i++) {
      const slot = { batch: null } as Slot<In, Out>;
      this.start(slot);
      this.slots.push(slot);
    }
  }

  get size(): number {
    return this.slots.length;
  }

  run(input: In): Promise<Out> {
    if (this.closed) return Promise.reject(new Error(`The ${this.options.name} pool is closed`));
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.scheduleDispatch();
    });
  }

  /** Sends a message to every worker (one that replaces a dead worker gets `setup()` instead). */
  broadcast(message: unknown): void {
    for (const { worker } of this.slots) worker.postMessage(message);
  }

  async close(): Promise<void> {
    this.closed = true;
    const e = new Error(`The ${this.options.name} pool is closed`);
    for (const slot of this.slots) {
      for (const p of slot.batch ?? []) p.reject(e);
      slot.batch = null;
    }
    for (const p of this.queue.splice(0)) p.reject(e);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }

  /**
   * Dispatches once the requests read in this turn of the event loop have queued their inputs (setImmediate runs
   * right after the poll phase that read them): they then cross in one message instead of one each, and a message
   * and its answer cost the event loop as much as an ES256 signature.
   */
  private scheduleDispatch(): void {
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    setImmediate(() => {
      this.dispatchScheduled = false;
      this.dispatch();
    });
  }

  /** Hands the queue to the idle workers, shared evenly between them. */
  private dispatch(): void {
    if (this.queue.length === 0) return;
    const idle = this.slots.filter((s) => s.batch === null);
    if (idle.length === 0) return;
    const per = Math.min(this.options.maxBatch, Math.ceil(this.queue.length / idle.length));
    for (const slot of idle) {
      if (this.queue.length === 0) break;
      const batch = this.queue.splice(0, per);
      let message: unknown;
      try {
        message = this.options.encode(batch.map((p) => p.input));
        slot.worker.postMessage(message);
      } catch (e) {
        // An input that cannot cross (not cloneable, nested too deeply) fails its batch; the worker stays idle.
        for (const p of batch) p.reject(e as Error);
        continue;
      }
      slot.batch = batch;
    }
  }

  /** (Re)starts a slot's worker; one that dies fails its batch and is replaced. */
  private start(slot: Slot<In, Out>): void {
    const worker = new Worker(this.options.file, { workerData: this.options.workerData });
    worker.unref();
    let cause = '';
    worker.on('message', (m: unknown) => this.settle(slot, m));
    // 'error' (an uncaught exception, or out of memory) is followed by 'exit'; process.exit() gives only 'exit'.
    worker.on('error', (e) => (cause = e.message));
    worker.on('exit', (code) => {
      if (slot.worker !== worker || this.closed) return;
      const crash = new WorkerCrashError(this.options.name, cause || `exit code ${code}`);
      for (const p of slot.batch ?? []) p.reject(crash);
      slot.batch = null;
      this.start(slot);
      this.dispatch();
    });
    for (const message of this.options.setup?.() ?? []) worker.postMessage(message);
    slot.worker = worker;
  }

  private settle(slot: Slot<In, Out>, answer: unknown): void {
    const batch = slot.batch;
    slot.batch = null;
    if (batch) {
      const outputs = this.options.decode(
        answer,
        batch.map((p) => p.input),
      );
      batch.forEach((p, i) => (outputs instanceof Error ? p.reject(outputs) : p.resolve(outputs[i])));
    }
    this.dispatch();
  }
}
