// AES-256-GCM with a random 96-bit nonce and associated data: the one cipher every key and
// field in Kontor is sealed with. Layout: nonce (12) | ciphertext | tag (16).
//
// node:crypto only (the OpenSSL of Node, BoringSSL in Electron): no addon of our own. One seal costs
// one createCipheriv (≈ 2 µs, most of it OpenSSL's cipher setup) plus update/final; everything
// around it is kept to one allocation: the output is written in place, not concatenated.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { randomView } from './random';

const NONCE = 12;
const TAG = 16;

export function encrypt(key: Buffer, plain: Buffer | string, aad: string): Buffer {
  // A view of the random pool (./random): used, and copied into the output, before it is refilled.
  const iv = randomView(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = typeof plain === 'string' ? cipher.update(plain, 'utf8') : cipher.update(plain);
  cipher.final(); // GCM is a stream mode: final() adds no bytes, it computes the tag
  const out = Buffer.allocUnsafe(NONCE + body.length + TAG);
  iv.copy(out, 0);
  body.copy(out, NONCE);
  cipher.getAuthTag().copy(out, NONCE + body.length);
  return out;
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
export function sealText(key: Buffer, aad: string, plain: string): string {
  return encrypt(key, plain, aad).toString('base64');
}

/** Throws when the value does not authenticate. */
export function openText(key: Buffer, aad: string, sealed: string): string {
  return decrypt(key, Buffer.from(sealed, 'base64'), aad).toString('utf8');
}
