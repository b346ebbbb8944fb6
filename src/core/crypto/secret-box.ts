// Encrypts small secrets kept in the system store (TOTP seeds, the SMTP password) with
// AES-256-GCM under a key from the key store. The purpose is bound as associated data, so a
// ciphertext copied into another column does not decrypt.
import { createHmac } from 'node:crypto';
import { AppError } from '../../shared/errors';
import { decryptParts, encryptParts } from './aead';

/** Plain functions (no `this`), so they can be handed on: `storedDatabase(choice, secrets.seal)`. */
export interface SecretBox {
  readonly seal: (purpose: string, plain: string) => string;
  readonly open: (purpose: string, sealed: string) => string;
  /** A keyed hash (HMAC-SHA256): short codes stored this way cannot be guessed offline from a copy of the table. */
  readonly mac: (purpose: string, text: string) => string;
}

const VERSION = 'v1';

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('a secret box key must be 32 bytes');
  // A separate key for MACs, so the encryption key is used for one thing only.
  const macKey = createHmac('sha256', key).update('kontor:mac-key').digest();
  return {
    mac: (purpose, text) => createHmac('sha256', macKey).update(purpose).update('\n').update(text).digest('hex'),
    seal(purpose, plain) {
      const { iv, tag, data } = encryptParts(key, plain, purpose);
      return [VERSION, iv, tag, data].join(':');
    },
    open(purpose, sealed) {
      const [version, iv, tag, data] = sealed.split(':');
      if (version !== VERSION || iv === undefined || tag === undefined || data === undefined) {
        throw new AppError('internal', `a stored secret (${purpose}) has an unknown format`);
      }
      try {
        return decryptParts(key, { iv, tag, data }, purpose).toString('utf8');
      } catch {
        throw new AppError('locked', `a stored secret (${purpose}) cannot be decrypted with this installation's key`);
      }
    },
  };
}
