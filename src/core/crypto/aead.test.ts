// AES-256-GCM for sealed fields: opens what it sealed, refuses anything changed, a wrong key or
// wrong associated data, and still opens values sealed by earlier versions (the format is fixed).
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decryptParts, encryptParts, openText, sealText } from './aead';

describe('AES-256-GCM for sealed fields', () => {
  it('opens what was sealed, for any text, short or long', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ maxLength: 40 }), (text, aad) => {
        const key = randomBytes(32);
        expect(openText(key, aad, sealText(key, aad, text))).toBe(text);
      }),
      { numRuns: 200 },
    );
    const key = randomBytes(32);
    const long = 'Ünïcode ✓ '.repeat(2_000);
    expect(openText(key, 'customer:1', sealText(key, 'customer:1', long))).toBe(long);
    expect(openText(key, '', sealText(key, '', ''))).toBe('');
    const parts = encryptParts(key, long, 'file');
    expect(decryptParts(key, parts, 'file').toString('utf8')).toBe(long);
  });

  it('refuses a changed byte, another key or other associated data', () => {
    const key = randomBytes(32);
    const sealed = sealText(key, 'customer:1:email', 'ada@example.com');
    const bytes = Buffer.from(sealed, 'base64');
    for (const at of [0, 12, bytes.length - 1]) {
      const changed = Buffer.from(bytes);
      changed[at] = (changed[at] ?? 0) ^ 1;
      expect(() => openText(key, 'customer:1:email', changed.toString('base64'))).toThrow();
    }
    expect(() => openText(randomBytes(32), 'customer:1:email', sealed)).toThrow();
    expect(() => openText(key, 'customer:2:email', sealed)).toThrow();
    expect(() => openText(key, 'customer:1:email', sealed.slice(0, 20))).toThrow();
  });

  it('opens a value sealed by an earlier version (nonce | ciphertext | tag, base64)', () => {
    // Written with a fixed nonce, as Kontor 0.1 and its former OpenSSL addon laid values out.
    const key = Buffer.alloc(32, 7);
    const sealed = 'AAECAwQFBgcICQoLeeWIMHhxuCQH3oCygTcBZbvoH6fmKu6EXcuJ2ksnYA==';
    expect(openText(key, 'customer:1:email', sealed)).toBe('ada@example.com');
  });

  it('gives each seal a fresh nonce', () => {
    const key = randomBytes(32);
    const nonces = new Set(
      Array.from({ length: 10_000 }, () =>
        Buffer.from(sealText(key, 'a', 'x'), 'base64')
          .subarray(0, 12)
          .toString('hex'),
      ),
    );
    expect(nonces.size).toBe(10_000);
  });
});
