import { webcrypto } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/**
 * Random bytes for the ids, drawn from the system CSPRNG 4 KiB at a time: one getRandomValues call per 256 ids
 * instead of one per id (the call, not the bytes, is what costs: it was ~5% of a large billing run).
 */
const POOL = new Uint8Array(16 * 256);
let offset = POOL.length;
function random16(): Uint8Array {
  if (offset === POOL.length) {
    webcrypto.getRandomValues(POOL);
    offset = 0;
  }
  const r = POOL.subarray(offset, offset + 16);
  offset += 16;
  return r;
}

/** uuid's own monotonic v7 state, kept here because random bytes are passed in: ms timestamp + 31-bit counter. */
let lastMs = -Infinity;
let seq = 0;

/**
 * Globally unique, time-ordered ids (UUIDv7, RFC 9562, method 1: a counter in rand_a/rand_b seeded randomly each
 * millisecond) for every entity: many laptops create records offline. Strictly increasing within a process.
 */
export function newId(): string {
  const random = random16();
  const now = Date.now();
  if (now > lastMs) {
    seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
    lastMs = now;
  } else {
    seq = (seq + 1) | 0;
    if (seq === 0) lastMs++;
  }
  return uuidv7({ msecs: lastMs, seq, random });
}
