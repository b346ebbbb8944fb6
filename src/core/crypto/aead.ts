// AES-256-GCM with a random 96-bit nonce and associated data: the one cipher every key and
// field in Kontor is sealed with. Layout: nonce (12) | ciphertext | tag (16).
//
// Two implementations of the same format: node:crypto everywhere, and Kontor's addon
// (native/aead, OpenSSL called directly) where it was built. The addon makes sealing and opening
// many small values (events, projection columns) about three times faster; the desktop bundle and
// machines without a compiler use node:crypto. KONTOR_AEAD=node forces node:crypto.
import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';

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

/** The same, as base64 parts: the layout of stored secrets and of the passphrase key file. */
export interface SealedParts {
  readonly iv: string;
  readonly tag: string;
  readonly data: string;
}

export function encryptParts(key: Buffer, plain: Buffer | string, aad: string): SealedParts {
  const sealed = encrypt(key, plain, aad);
  return {
    iv: sealed.subarray(0, NONCE).toString('base64'),
    tag: sealed.subarray(sealed.length - TAG).toString('base64'),
    data: sealed.subarray(NONCE, sealed.length - TAG).toString('base64'),
  };
}

export function decryptParts(key: Buffer, parts: SealedParts, aad: string): Buffer {
  const bytes = (part: string) => Buffer.from(part, 'base64');
  return decrypt(key, Buffer.concat([bytes(parts.iv), bytes(parts.data), bytes(parts.tag)]), aad);
}

/** Text in, base64 out (and back): the form sealed fields are stored in. */
export interface TextAead {
  readonly name: 'openssl addon' | 'node:crypto';
  seal(key: Buffer, aad: string, plain: string): string;
  /** Throws when the value does not authenticate. */
  open(key: Buffer, aad: string, sealed: string): string;
}

export const nodeTextAead: TextAead = {
  name: 'node:crypto',
  seal: (key, aad, plain) => encrypt(key, plain, aad).toString('base64'),
  open: (key, aad, sealed) => decrypt(key, Buffer.from(sealed, 'base64'), aad).toString('utf8'),
};

interface Addon {
  seal(this: void, key: Buffer, aad: string, plain: string): string;
  open(this: void, key: Buffer, aad: string, sealed: string): string;
}

/** The addon when it was built and loads here; null otherwise. */
export function loadAddonAead(): TextAead | null {
  try {
    const file = join(import.meta.dirname, '..', '..', '..', 'native', 'aead', 'build', 'Release', 'kontor_aead.node');
    const addon = createRequire(import.meta.url)(file) as Addon;
    return { name: 'openssl addon', seal: addon.seal, open: addon.open };
  } catch {
    return null;
  }
}

export const textAead: TextAead =
  process.env['KONTOR_AEAD'] === 'node' ? nodeTextAead : (loadAddonAead() ?? nodeTextAead);
