import { WindowCounterStorage } from './window-counter.storage';

describe('WindowCounterStorage', () => {
  afterEach(() => jest.useRealTimers());

  it('allows `limit` hits per window, then blocks until the block ends', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const s = new WindowCounterStorage();
    const hit = () => s.increment('ip:1', 60_000, 3, 60_000, 'default');
    expect((await hit()).isBlocked).toBe(false);
    expect((await hit()).isBlocked).toBe(false);
    const third = await hit();
    expect(third).toMatchObject({ isBlocked: false, totalHits: 3 });
    const fourth = await hit();
    expect(fourth.isBlocked).toBe(true);
    expect(fourth.timeToBlockExpire).toBe(60);
    jest.setSystemTime(1_000_000 + 30_000);
    expect((await hit()).isBlocked).toBe(true);
    jest.setSystemTime(1_000_000 + 150_000);
    expect((await hit()).isBlocked).toBe(false);
  });

  it('weights the previous window by its overlap', async () => {
    jest.useFakeTimers({ now: 0 });
    const s = new WindowCounterStorage();
    for (let i = 0; i < 10; i++) await s.increment('k', 1000, 10, 0, 'n');
    jest.setSystemTime(1500);
    // Half of the previous window's 10 hits still count.
    expect((await s.increment('k', 1000, 10, 0, 'n')).totalHits).toBe(6);
  });

  it('keeps keys and throttlers apart', async () => {
    const s = new WindowCounterStorage();
    await s.increment('a', 60_000, 1, 0, 'default');
    expect((await s.increment('a', 60_000, 1, 0, 'client')).isBlocked).toBe(false);
    expect((await s.increment('b', 60_000, 1, 0, 'default')).isBlocked).toBe(false);
    expect((await s.increment('a', 60_000, 1, 0, 'default')).isBlocked).toBe(true);
  });
});
