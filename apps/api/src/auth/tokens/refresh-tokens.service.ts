import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { randomBytesPooled } from '../../common/crypto/random-pool';
import { sha256Hex } from '../authorize/authorization-codes.service';
import { RefreshTokenEntity } from './refresh-token.entity';

export type NewRefreshToken = Omit<RefreshTokenEntity, 'tokenHash' | 'createdAt' | 'usedAt' | 'revokedAt'>;

/** Opaque refresh tokens (256 random bits), stored hashed, single use. */
@Injectable()
export class RefreshTokensService {
  constructor(@InjectRepository(RefreshTokenEntity) private readonly repo: Repository<RefreshTokenEntity>) {}

  async issue(token: NewRefreshToken): Promise<string> {
    const value = randomBytesPooled(32).toString('base64url');
    await this.repo.insert({ ...token, tokenHash: sha256Hex(value), usedAt: null, revokedAt: null });
    return value;
  }

  find(value: string): Promise<RefreshTokenEntity | null> {
    return value.length <= 256 ? this.repo.findOneBy({ tokenHash: sha256Hex(value) }) : Promise.resolve(null);
  }

  /** Marks the token used; false when another request used it first (of two concurrent uses exactly one wins). */
  async claim(token: RefreshTokenEntity): Promise<boolean> {
    const result = await this.repo.update({ tokenHash: token.tokenHash, usedAt: IsNull() }, { usedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }

  /** Revokes every refresh token of a grant. */
  async revokeGrant(grantId: string): Promise<void> {
    await this.repo.update({ grantId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }
}
