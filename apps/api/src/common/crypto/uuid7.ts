import { randomBytesPooled } from './random-pool';

/**
 * `length` random bytes whose first six are `now` in Unix milliseconds, big-endian: ids made from them sort, and sit
 * in an index, by creation time (new rows at a B-tree's end rather than on a random page of it).
 */
export function timeFirstBytes(length: number, now = Date.now()): Buffer {
  const b = randomBytesPooled(length);
  b.writeUIntBE(now, 0, 6);
  return b;
}

/** RFC 9562 UUID version 7: 48-bit Unix milliseconds, then random bits; sorts by creation time. */
export function uuidv7(now = Date.now()): string {
  const b = timeFirstBytes(16, now);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
