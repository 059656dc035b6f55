import { constants, generateKeyPairSync, verify } from 'node:crypto';
import { SigningPool } from './signing-pool';

describe('SigningPool', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  let pool: SigningPool;

  beforeEach(() => {
    pool = new SigningPool(2);
    pool.addKey('k1', pem);
    pool.addKey('k2', other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  });
  afterEach(() => pool.close());

  it('signs every input of a burst with the right key, each answer matching its own input', async () => {
    const inputs = Array.from(
      { length: 60 },
      (_, i) => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(`{"n":${i}}`).toString('base64url')}`,
    );
    const signatures = await Promise.all(inputs.map((input, i) => pool.sign(i % 3 ? 'k1' : 'k2', input)));
    signatures.forEach((signature, i) => {
      const key = i % 3 ? publicKey : other.publicKey;
      expect(verify('sha256', Buffer.from(inputs[i]), key, Buffer.from(signature, 'base64url'))).toBe(true);
      // and not another request's input
      expect(
        verify('sha256', Buffer.from(inputs[(i + 1) % inputs.length]), key, Buffer.from(signature, 'base64url')),
      ).toBe(false);
    });
  });

  it('refuses an unknown key id, and keeps signing afterwards', async () => {
    await expect(pool.sign('nope', 'a.b')).rejects.toThrow(/unknown signing key/);
    const signature = await pool.sign('k1', 'a.b');
    expect(verify('sha256', Buffer.from('a.b'), publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
  });

  const pairs = {
    PS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
    ES256: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    ES384: () => generateKeyPairSync('ec', { namedCurve: 'P-384' }),
    EdDSA: () => generateKeyPairSync('ed25519'),
  };
  it.each([
    ['PS256', 'sha256', { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }],
    ['ES256', 'sha256', { dsaEncoding: 'ieee-p1363' }],
    ['ES384', 'sha384', { dsaEncoding: 'ieee-p1363' }],
    ['EdDSA', null, {}],
  ] as const)('signs with a %s key as JWS says (verified by node:crypto)', async (alg, digest, verifyOptions) => {
    const pair = pairs[alg]();
    pool.addKey(`k-${alg}`, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), alg);
    const signature = Buffer.from(await pool.sign(`k-${alg}`, 'a.b'), 'base64url');
    if (alg === 'ES256') expect(signature).toHaveLength(64);
    if (alg === 'ES384') expect(signature).toHaveLength(96);
    expect(verify(digest, Buffer.from('a.b'), { key: pair.publicKey, ...verifyOptions }, signature)).toBe(true);
  });

  it('rejects requests once closed', async () => {
    await pool.close();
    await expect(pool.sign('k1', 'a.b')).rejects.toThrow(/closed/);
  });
});
