// Random bytes for ids, nonces and data keys, drawn from a pool refilled in bulk from the operating
// system's generator: one getrandom call per 64 KiB instead of one per id, nonce or key (an import
// of 100,000 customers asks for about half a million of them; one call each cost ≈ 3 µs here).
// Node's own crypto.randomUUID pools its entropy the same way. Every byte is handed out once.
import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(64 * 1024);
let at = pool.length;

function take(size: number): number {
  if (size > pool.length) throw new RangeError(`at most ${pool.length} random bytes at once`);
  if (at + size > pool.length) {
    randomFillSync(pool);
    at = 0;
  }
  const start = at;
  at += size;
  return start;
}

/**
 * `size` random bytes as a view of the pool: valid only until the next call (use or copy them
 * right away; the pool is refilled under them).
 */
export function randomView(size: number): Buffer {
  const start = take(size);
  return pool.subarray(start, start + size);
}

/** `size` random bytes of their own, for a key: copied out, and wiped from the pool. */
export function randomKey(size: number): Buffer {
  const start = take(size);
  const key = Buffer.from(pool.subarray(start, start + size));
  pool.fill(0, start, start + size);
  return key;
}
