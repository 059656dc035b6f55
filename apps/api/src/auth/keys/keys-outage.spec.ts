import type { Repository } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import { isDatabaseUnavailable } from '../../common/errors/database-unavailable';
import { JwtRejected, KeysService } from './keys.service';
import type { SigningKeyEntity } from './signing-key.entity';
import type { ClusterLockService } from '../../cluster/cluster-lock.service';

/** A compact JWS naming a key this server has not loaded (say, one just rotated in by another instance). */
function tokenWithUnknownKid(): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', kid: 'rotated-elsewhere', typ: 'at+jwt' })}.${part({ sub: 'x' })}.c2ln`;
}

describe('KeysService while the database is unreachable', () => {
  const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });
  let up = false;
  const repo = {
    find: jest.fn(async () => {
      if (!up) throw refused();
      return [];
    }),
  } as unknown as Repository<SigningKeyEntity>;
  const config = {
    secretPepper: 'p'.repeat(32),
    signingWorkers: 0,
    accessTokenSigningAlg: 'RS256',
    publicUrl: 'http://ccri.test',
  } as unknown as AppConfig;
  // Verification never takes the key lease (only key creation and rotation do).
  const keys = new KeysService(repo, config, {} as ClusterLockService);
  const expected = { audience: 'http://ccri.test/fhir', typ: 'at+jwt' };

  it('reports an unknown kid it cannot look up as an outage every time, never as a bad token', async () => {
    for (let i = 0; i < 3; i++) {
      const error = await keys.verify(tokenWithUnknownKid(), expected).catch((e: unknown) => e);
      expect(error).not.toBeInstanceOf(JwtRejected);
      expect(isDatabaseUnavailable(error)).toBe(true);
    }
  });

  it('once the database answers, an unknown kid is a rejected token again', async () => {
    up = true;
    const error = await keys.verify(tokenWithUnknownKid(), expected).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JwtRejected);
    expect((error as JwtRejected).reason).toBe('unknown_key');
  });
});
