// AES-256-GCM with a random 96-bit nonce and associated data: the one cipher every key and
// field in Kontor is sealed with. Output layout: nonce (12) | ciphertext | tag (16).
import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';

const NONCE = 12;
const TAG = 16;

/** Nonces come from a pool refilled in bulk: one getrandom call per 4096 seals instead of one each. */
const pool = Buffer.alloc(NONCE * 4096);
let poolAt = pool.length;
function nonce(): Buffer {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  // A view, not a copy: it is used (and copied into the output) before the pool is refilled.
  const n = pool.subarray(poolAt, poolAt + NONCE);
  poolAt += NONCE;
  return n;
}

export function encrypt(key: Buffer, plain: Buffer | string, aad: string): Buffer {
  const iv = nonce();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = typeof plain === 'string' ? cipher.update(plain, 'utf8') : cipher.update(plain);
  cipher.final();
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

/** Throws when the key or the associated data is wrong or the bytes were changed. */
export function decrypt(key: Buffer, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < NONCE + TAG) throw new Error('sealed data is too short');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
  const body = decipher.update(sealed.subarray(NONCE, sealed.length - TAG));
  decipher.final();
  return body;
}
