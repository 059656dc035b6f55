import { AttemptCounter, MemoryAttemptStore } from './attempt-counter';

describe('AttemptCounter', () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('allows up to max attempts in a window, then says how long to wait', async () => {
    const c = new AttemptCounter(new MemoryAttemptStore(), 'test', 3, 60_000, clock);
    for (let i = 0; i < 3; i++) {
      expect(await c.retryAfter('a')).toBe(0);
      await c.hit('a');
    }
    expect(await c.retryAfter('a')).toBe(60);
    now += 59_500;
    expect(await c.retryAfter('a')).toBe(1);
    expect(await c.retryAfter('b')).toBe(0);
  });

  it('opens a fresh window once the old one has passed', async () => {
    const c = new AttemptCounter(new MemoryAttemptStore(), 'test', 1, 1_000, clock);
    await c.hit('a');
    expect(await c.retryAfter('a')).toBe(1);
    now += 1_000;
    expect(await c.retryAfter('a')).toBe(0);
    await c.hit('a');
    expect(await c.retryAfter('a')).toBe(1);
  });

  it('forgets a key on reset', async () => {
    const c = new AttemptCounter(new MemoryAttemptStore(), 'test', 1, 60_000, clock);
    await c.hit('a');
    await c.reset('a');
    expect(await c.retryAfter('a')).toBe(0);
  });

  it('counts the same key separately in counters of different names on one store', async () => {
    const store = new MemoryAttemptStore();
    const accounts = new AttemptCounter(store, 'account', 1, 60_000, clock);
    const addresses = new AttemptCounter(store, 'address', 1, 60_000, clock);
    await accounts.hit('x');
    expect(await accounts.retryAfter('x')).toBe(60);
    expect(await addresses.retryAfter('x')).toBe(0);
  });

  it('never holds more than 10,000 keys in memory', async () => {
    const store = new MemoryAttemptStore();
    const c = new AttemptCounter(store, 'test', 5, 60_000, clock);
    for (let i = 0; i < 10_050; i++) await c.hit(`k${i}`);
    expect(store.size).toBeLessThanOrEqual(10_000);
    // The newest survive.
    await c.hit('k10049');
    expect(store.size).toBeLessThanOrEqual(10_000);
  });
});
