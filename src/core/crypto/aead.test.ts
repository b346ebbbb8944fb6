// The two AES-256-GCM implementations write the same format: each opens what the other sealed,
// and both refuse anything changed, a wrong key or wrong associated data.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadAddonAead, nodeTextAead, type TextAead } from './aead';

const addon = loadAddonAead();

describe('AES-256-GCM for sealed fields', () => {
  it('has the OpenSSL addon here (npm ci builds it)', () => {
    expect(addon?.name).toBe('openssl addon');
  });

  const pairs: [string, TextAead, TextAead][] = addon
    ? [
        ['addon → node:crypto', addon, nodeTextAead],
        ['node:crypto → addon', nodeTextAead, addon],
        ['addon → addon', addon, addon],
      ]
    : [['node:crypto → node:crypto', nodeTextAead, nodeTextAead]];

  describe.each(pairs)('%s', (_name, sealer, opener) => {
    it('opens what was sealed, for any text, short or long', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ maxLength: 40 }), (text, aad) => {
          const key = randomBytes(32);
          expect(opener.open(key, aad, sealer.seal(key, aad, text))).toBe(text);
        }),
        { numRuns: 200 },
      );
      const key = randomBytes(32);
      const long = 'Ünïcode ✓ '.repeat(2_000);
      expect(opener.open(key, 'customer:1', sealer.seal(key, 'customer:1', long))).toBe(long);
      expect(opener.open(key, '', sealer.seal(key, '', ''))).toBe('');
    });

    it('refuses a changed byte, another key or other associated data', () => {
      const key = randomBytes(32);
      const sealed = sealer.seal(key, 'customer:1:email', 'ada@example.com');
      const bytes = Buffer.from(sealed, 'base64');
      for (const at of [0, 12, bytes.length - 1]) {
        const changed = Buffer.from(bytes);
        changed[at] = (changed[at] ?? 0) ^ 1;
        expect(() => opener.open(key, 'customer:1:email', changed.toString('base64'))).toThrow();
      }
      expect(() => opener.open(randomBytes(32), 'customer:1:email', sealed)).toThrow();
      expect(() => opener.open(key, 'customer:2:email', sealed)).toThrow();
      expect(() => opener.open(key, 'customer:1:email', sealed.slice(0, 20))).toThrow();
    });
  });

  it.runIf(addon !== null)('gives each seal a fresh nonce, and checks its arguments', () => {
    if (!addon) return;
    const key = randomBytes(32);
    const nonces = new Set(
      Array.from({ length: 10_000 }, () =>
        Buffer.from(addon.seal(key, 'a', 'x'), 'base64')
          .subarray(0, 12)
          .toString('hex'),
      ),
    );
    expect(nonces.size).toBe(10_000);
    expect(() => addon.seal(randomBytes(16), 'a', 'x')).toThrow(/32-byte key/);
    expect(() => addon.open(key, 'a', 'not base64!')).toThrow(/base64/);
  });
});
