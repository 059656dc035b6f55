import { pkceMatches } from './authorization-codes.service';

describe('pkceMatches (RFC 7636 §4.6, S256)', () => {
  // RFC 7636 Appendix B's worked example.
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

  it.each([
    ['the RFC example', verifier, challenge, true],
    ['a different verifier', verifier.replace('d', 'e'), challenge, false],
    ['the challenge itself as verifier (plain)', challenge, challenge, false],
    ['an empty verifier', '', challenge, false],
  ])('%s', (_label, v, c, expected) => {
    expect(pkceMatches(v, c)).toBe(expected);
  });
});
