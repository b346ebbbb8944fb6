// The pooled random bytes: never the same bytes twice, across refills of the pool, and a key keeps
// its value after the pool it came from is refilled.
import { describe, expect, it } from 'vitest';
import { randomKey, randomView } from './random';

describe('pooled random bytes', () => {
  it('hands out every byte once, across many refills', () => {
    const seen = new Set<string>();
    // 200,000 × 16 bytes: about fifty refills of the 64 KiB pool.
    for (let i = 0; i < 200_000; i++) seen.add(randomView(16).toString('hex'));
    expect(seen.size).toBe(200_000);
  });

  it('gives keys of their own: a refill does not change them, and two keys differ', () => {
    const key = randomKey(32);
    const copy = Buffer.from(key);
    for (let i = 0; i < 10_000; i++) randomView(12);
    expect(key.equals(copy)).toBe(true);
    expect(randomKey(32).equals(key)).toBe(false);
    expect(key.some((byte) => byte !== 0)).toBe(true);
  });

  it('refuses more than a pool at once', () => {
    expect(() => randomView(1 << 20)).toThrow(RangeError);
  });
});
