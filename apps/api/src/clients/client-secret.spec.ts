import { generateClientSecret, hashClientSecret, verifyClientSecret } from './client-secret';

describe('client secrets', () => {
  const pepper = Buffer.from('a-test-pepper-of-at-least-32-characters!!');

  it('are at least 256 bits of base64url', () => {
    const s = generateClientSecret();
    expect(s).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(s, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(generateClientSecret()).not.toBe(s);
  });

  it('verify against their keyed hash only', () => {
    const s = generateClientSecret();
    const h = hashClientSecret(s, pepper);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(h).not.toContain(s);
    expect(verifyClientSecret(s, h, pepper)).toBe(true);
    expect(verifyClientSecret(s + 'x', h, pepper)).toBe(false);
    expect(verifyClientSecret(s, h, Buffer.from('another-pepper-of-at-least-32-characters'))).toBe(false);
    expect(verifyClientSecret(s, null, pepper)).toBe(false);
  });
});
