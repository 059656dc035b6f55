import { AttemptCounter } from './attempt-counter';

describe('AttemptCounter', () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('allows up to max attempts in a window, then says how long to wait', () => {
    const c = new AttemptCounter(3, 60_000, clock);
    for (let i = 0; i < 3; i++) {
      expect(c.retryAfter('a')).toBe(0);
      c.hit('a');
    }
    expect(c.retryAfter('a')).toBe(60);
    now += 59_500;
    expect(c.retryAfter('a')).toBe(1);
    expect(c.retryAfter('b')).toBe(0);
  });

  it('opens a fresh window once the old one has passed', () => {
    const c = new AttemptCounter(1, 1_000, clock);
    c.hit('a');
    expect(c.retryAfter('a')).toBe(1);
    now += 1_000;
    expect(c.retryAfter('a')).toBe(0);
    c.hit('a');
    expect(c.retryAfter('a')).toBe(1);
  });

  it('forgets a key on reset', () => {
    const c = new AttemptCounter(1, 60_000, clock);
    c.hit('a');
    c.reset('a');
    expect(c.retryAfter('a')).toBe(0);
  });

  it('never holds more than 10,000 keys', () => {
    const c = new AttemptCounter(5, 60_000, clock);
    for (let i = 0; i < 10_050; i++) c.hit(`k${i}`);
    expect(c.size).toBeLessThanOrEqual(10_000);
    // The newest survive.
    c.hit('k10049');
    expect(c.size).toBeLessThanOrEqual(10_000);
  });
});
