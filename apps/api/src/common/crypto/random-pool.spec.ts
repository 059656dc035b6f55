import { randomBytesPooled } from './random-pool';

describe('randomBytesPooled', () => {
  it('hands out the requested number of bytes, never the same bytes twice', () => {
    const seen = new Set<string>();
    // Several refills of the 8 KiB pool.
    for (let i = 0; i < 2_000; i++) {
      const b = randomBytesPooled(18);
      expect(b).toHaveLength(18);
      seen.add(b.toString('hex'));
    }
    expect(seen.size).toBe(2_000);
  });

  it('returns a copy the caller may change without touching later results', () => {
    const a = randomBytesPooled(16);
    a.fill(0);
    const b = randomBytesPooled(16);
    expect(b.equals(Buffer.alloc(16))).toBe(false);
  });

  it('serves large requests directly', () => {
    const big = randomBytesPooled(10_000);
    expect(big).toHaveLength(10_000);
    expect(big.equals(Buffer.alloc(10_000))).toBe(false);
  });
});
