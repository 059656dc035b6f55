import { Reflector } from '@nestjs/core';

/**
 * A Reflector that remembers each answer. Route metadata is fixed once the decorators have run, but every lookup
 * through reflect-metadata walks the target's prototype chain; guards on the hot path ask the same questions on
 * every request (the rate-limit guard alone asks ten), so they ask this instead.
 */
export class MemoReflector extends Reflector {
  private readonly answers = new Map<unknown, WeakMap<object, { value: unknown }>>();

  override get<TResult = never>(metadataKeyOrDecorator: unknown, target: object): TResult {
    const key = (metadataKeyOrDecorator as { KEY?: unknown } | undefined)?.KEY ?? metadataKeyOrDecorator;
    let byTarget = this.answers.get(key);
    if (!byTarget) this.answers.set(key, (byTarget = new WeakMap()));
    let answer = byTarget.get(target);
    if (!answer) {
      answer = { value: super.get(metadataKeyOrDecorator as string, target as () => void) };
      byTarget.set(target, answer);
    }
    return answer.value as TResult;
  }
}
