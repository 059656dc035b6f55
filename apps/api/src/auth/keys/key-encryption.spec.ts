import { KeyEncryption } from './key-encryption';

describe('KeyEncryption', () => {
  const pem = '-----BEGIN PRIVATE KEY-----\nMIIE...\n-----END PRIVATE KEY-----\n';
  const a = new KeyEncryption(Buffer.from('pepper-a-of-at-least-32-characters-long'));

  it('round-trips, and the stored form hides the key', () => {
    const stored = a.encrypt(pem);
    expect(stored.startsWith('enc:v1:')).toBe(true);
    expect(stored).not.toContain('PRIVATE KEY');
    expect(a.encrypt(pem)).not.toBe(stored);
    expect(a.decrypt(stored)).toBe(pem);
  });

  it('refuses another pepper, a tampered value and a plain key', () => {
    const stored = a.encrypt(pem);
    const b = new KeyEncryption(Buffer.from('pepper-b-of-at-least-32-characters-long'));
    expect(() => b.decrypt(stored)).toThrow();
    const tampered = stored.slice(0, -4) + (stored.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(() => a.decrypt(tampered)).toThrow();
    expect(() => a.decrypt(pem)).toThrow('not stored encrypted');
  });
});
