import { newTokenId } from './token-id';

describe('newTokenId', () => {
  it('is 24 base64url characters, different every time', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newTokenId()));
    expect(ids.size).toBe(10_000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  it('starts with the time it was made, so ids of the same moment share their leading characters', () => {
    const at = Date.UTC(2026, 11, 6, 9, 30);
    const a = newTokenId(at);
    const b = newTokenId(at + 1);
    expect(Buffer.from(a, 'base64url').readUIntBE(0, 6)).toBe(at);
    expect(Buffer.from(b, 'base64url').readUIntBE(0, 6)).toBe(at + 1);
    expect(a.slice(0, 6)).toBe(b.slice(0, 6));
  });

  it('keeps 96 random bits after the time', () => {
    const at = Date.now();
    const tails = new Set(Array.from({ length: 1000 }, () => newTokenId(at).slice(8)));
    expect(tails.size).toBe(1000);
  });
});
