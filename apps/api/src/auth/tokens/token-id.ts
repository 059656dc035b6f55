import { timeFirstBytes } from '../../common/crypto/uuid7';

/**
 * A token's `jti`: 48 bits of Unix milliseconds, then 96 random bits, base64url (24 characters). The random part
 * keeps it unguessable and unique; the time prefix gives the tokens of one second a shared leading key, so the
 * issued-token rows a commit adds go to a few neighbouring index pages rather than one random page each (the
 * primary key of `issued_tokens`, clustered on InnoDB). Measured on the SQLite writer: a batch of 18 tokens dirtied
 * 47 pages with 18 random bytes as the id, 36 with this one (pages written at each commit, strace).
 */
export function newTokenId(now = Date.now()): string {
  return timeFirstBytes(18, now).toString('base64url');
}
