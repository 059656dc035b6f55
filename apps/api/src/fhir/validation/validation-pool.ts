import { join } from 'node:path';
import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { WorkerCrashError, WorkerPool } from '../../common/runtime/worker-pool';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { validateResource } from './index';
import type { ValidationIssue } from './validation-issue';

/** A resource a request is about to write, and the type it must be. */
export interface ToValidate {
  type: string;
  resource: unknown;
}

/**
 * The JSON values (objects, arrays, primitives) a request's resources hold, in all, below which they are validated on
 * the event loop. Measured with tools/bench/validation-threshold.mjs (fastest of many calls, idle worker): a trip to
 * a worker and back adds ~0.05–0.1 ms to a request whatever its size, while validation costs ~4 µs per value (a bench
 * Patient, 13 values: 0.05 ms on the event loop, 0.1 ms by a worker). So a small write stays inline, where the trip
 * would double its validation latency to spare the event loop 0.05 ms; from ~400 values (~1.5 ms of validation: a
 * Bundle of ~30 small resources, or one resource of a few KB) the event loop is spared more than a millisecond per
 * request for a latency cost under a tenth, and a Bundle is validated by all the workers at once.
 */
export const INLINE_BELOW_VALUES = 400;

/** Resources one message to a worker carries at most: a transaction of 500 goes to every worker, in parts. */
const MAX_CHUNK = 100;

/** Tests only (NODE_ENV=test): a resource with this id makes the validation worker exit, as a crash would. */
export const CRASH_TEST_ID = 'crash-the-validation-worker';

/** Issues found ahead, on a worker, for the very object about to be checked (and the type it was checked as). */
const validatedAhead = new WeakMap<object, { type: string; issues: ValidationIssue[] }>();

/**
 * The issues of `resource` as `type`: those validateAhead found for this object, once, or validateResource's now.
 * The object must not have changed since it was validated ahead (callers validate it just before they check it).
 */
export function issuesOf(resource: unknown, type: string): ValidationIssue[] {
  if (typeof resource === 'object' && resource !== null) {
    const ahead = validatedAhead.get(resource);
    if (ahead) {
      validatedAhead.delete(resource);
      if (ahead.type === type) return ahead.issues;
    }
  }
  return validateResource(resource, type);
}

/** How many JSON values `value` holds, counting no further than `limit`. */
function weight(value: unknown, limit: number): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && count < limit) {
    const v = stack.pop();
    count++;
    if (typeof v !== 'object' || v === null) continue;
    for (const x of Array.isArray(v) ? v : Object.values(v)) {
      if (count + stack.length >= limit) break;
      stack.push(x);
    }
  }
  return count;
}

/**
 * Structural validation (validateResource) on worker threads, off the event loop, for transaction and batch Bundles
 * and large writes: validateAhead validates a request's resources on the pool (VALIDATION_WORKERS, one per core by
 * default; 0: always on the event loop) and leaves the issues for issuesOf, so the checks that follow give the same
 * answers, in the same order, as on the event loop.
 */
@Injectable()
export class ValidationPool implements OnApplicationBootstrap, OnModuleDestroy {
  private pool: WorkerPool<ToValidate[], ValidationIssue[][]> | null = null;
  private readonly size: number;
  private readonly crashOn: string | undefined;
  private readonly eager: boolean;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.size = config.validationWorkers;
    this.crashOn = config.nodeEnv === 'test' ? CRASH_TEST_ID : undefined;
    this.eager = config.nodeEnv !== 'test';
  }

  /**
   * The workers start with the server: each loads the R4 definitions (about a second of CPU), which would otherwise
   * delay the first Bundles (measured: 10,000 patients ingested with the workers started by the first Bundle spent
   * three times as long loading definitions as validating). Test apps, most of which write no Bundle, start them
   * on first use.
   */
  onApplicationBootstrap(): void {
    if (this.eager && this.size > 0) this.pool ??= this.startPool();
  }

  /**
   * Validates the resources on the workers when they are worth it (INLINE_BELOW_VALUES), for issuesOf to find. A
   * worker that dies fails the request (500, nothing written).
   */
  async validateAhead(items: readonly ToValidate[]): Promise<void> {
    if (this.size === 0) return;
    const todo = items.filter(
      (i) => typeof i.resource === 'object' && i.resource !== null && !validatedAhead.has(i.resource),
    );
    let total = 0;
    for (const i of todo) {
      total += weight(i.resource, INLINE_BELOW_VALUES - total);
      if (total >= INLINE_BELOW_VALUES) break;
    }
    if (total < INLINE_BELOW_VALUES) return;
    const issues = await this.validate(todo);
    todo.forEach((item, n) => validatedAhead.set(item.resource as object, { type: item.type, issues: issues[n] }));
  }

  /**
   * Each resource's issues, as validateResource gives them, found on the workers, in parts shared between them. A
   * part that cannot cross to a worker (a body nested too deeply to copy) is validated here; a worker that dies fails
   * the whole call with a 500 in the documented shape.
   */
  async validate(items: readonly ToValidate[]): Promise<ValidationIssue[][]> {
    const pool = (this.pool ??= this.startPool());
    const per = Math.min(MAX_CHUNK, Math.ceil(items.length / pool.size));
    const chunks: ToValidate[][] = [];
    for (let i = 0; i < items.length; i += per) chunks.push(items.slice(i, i + per));
    const settled = await Promise.allSettled(chunks.map((chunk) => pool.run(chunk)));
    return settled.flatMap((s, n) => {
      if (s.status === 'fulfilled') return s.value;
      if (s.reason instanceof WorkerCrashError) throw validatorStopped();
      return chunks[n].map((i) => validateResource(i.resource, i.type));
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool?.close();
  }

  private startPool(): WorkerPool<ToValidate[], ValidationIssue[][]> {
    return new WorkerPool<ToValidate[], ValidationIssue[][]>({
      name: 'validation',
      file: join(__dirname, 'validation.worker.js'),
      size: this.size,
      // One request's part per message: a worker that dies fails that request only.
      maxBatch: 1,
      encode: ([chunk]) => chunk,
      decode: (answer) => {
        const m = answer as { results?: ValidationIssue[][]; error?: string };
        return m.results ? [m.results] : new Error(m.error ?? 'validation failed');
      },
      workerData: { crashOn: this.crashOn },
    });
  }
}

function validatorStopped(): DomainError {
  return new DomainError(
    500,
    'fhir_validator_stopped',
    'The validator stopped while checking this request, and nothing was written; send it again',
    { fhirIssue: 'exception' },
  );
}
