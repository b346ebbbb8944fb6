// A key store for machines without an OS keychain: random keys, each wrapped with AES-256-GCM
// under a key derived from a passphrase with argon2id. The file (keys.json) sits beside the data;
// without the passphrase it is useless. Changing nothing but the passphrase never rewrites data.
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  readFileSync,
  renameSync,
  writeFileSync,
  mkdirSync,
  openSync,
  fsyncSync,
  closeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import argon2 from 'argon2';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { decryptParts, encryptParts } from '../crypto/aead';
import { KEY_BYTES, keyStore, type KeyStore } from './keystore';

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const wrappedSchema = z.object({ iv: b64, tag: b64, data: b64 });

/**
 * argon2id parameters as read from a key file or a key backup: at least OWASP's minimum, and at
 * most what a desk can afford, so a doctored file cannot make a start allocate gigabytes or run
 * for hours before the passphrase is even checked.
 */
export const KDF_LIMITS = { memoryKiB: 1_048_576, iterations: 16, parallelism: 8 } as const;
export const kdfSchema = z.object({
  algorithm: z.literal('argon2id'),
  salt: b64.min(16).max(64),
  memoryKiB: z.number().int().min(19_456).max(KDF_LIMITS.memoryKiB),
  iterations: z.number().int().min(2).max(KDF_LIMITS.iterations),
  parallelism: z.number().int().min(1).max(KDF_LIMITS.parallelism),
});
const fileSchema = z.object({
  format: z.literal('kontor-keys'),
  version: z.literal(1),
  kdf: kdfSchema,
  /** A known value wrapped under the derived key: tells a wrong passphrase from a damaged key. */
  check: wrappedSchema,
  keys: z.record(z.string(), wrappedSchema),
});
type KeyFile = z.infer<typeof fileSchema>;
type Wrapped = z.infer<typeof wrappedSchema>;

export const PASSPHRASE_MIN_LENGTH = 12;
const CHECK_NAME = 'kontor:passphrase-check';

/** OWASP's argon2id minimum is 19 MiB, t=2, p=1; we use more memory since this runs once per start. */
export const DEFAULT_KDF = { memoryKiB: 65_536, iterations: 3, parallelism: 1 } as const;

export interface PassphraseStoreOptions {
  readonly file: string;
  readonly passphrase: string;
  readonly kdf?: { memoryKiB: number; iterations: number; parallelism: number };
}

function wrap(kek: Buffer, name: string, plain: Buffer): Wrapped {
  return encryptParts(kek, plain, name);
}

function unwrap(kek: Buffer, name: string, wrapped: Wrapped): Buffer | null {
  try {
    return decryptParts(kek, wrapped, name);
  } catch {
    return null;
  }
}

export async function deriveKek(
  passphrase: string,
  kdf: { salt: string; memoryKiB: number; iterations: number; parallelism: number },
): Promise<Buffer> {
  return argon2.hash(passphrase, {
    type: argon2.argon2id,
    salt: Buffer.from(kdf.salt, 'base64'),
    memoryCost: kdf.memoryKiB,
    timeCost: kdf.iterations,
    parallelism: kdf.parallelism,
    hashLength: KEY_BYTES,
    raw: true,
  });
}

/** Writes via a temporary file and a rename, so a crash leaves the old or the new file, never half. */
export function writeAtomically(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o600 });
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, file);
}

function readKeyFile(file: string): KeyFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AppError(
      'locked',
      'the key file cannot be read',
      { reason: 'key_file_damaged' },
      `${file}: ${(error as Error).message}`,
    );
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    throw new AppError(
      'locked',
      'the key file is damaged or not a Kontor key file',
      { reason: 'key_file_damaged' },
      file,
    );
  }
  return parsed.data;
}

/** The key file's store, and the names of the keys it holds (to move them elsewhere). */
export type PassphraseKeyStore = KeyStore & { names(): string[] };

export async function openPassphraseKeyStore(options: PassphraseStoreOptions): Promise<PassphraseKeyStore> {
  const { file, passphrase } = options;
  if (passphrase.length < PASSPHRASE_MIN_LENGTH) {
    throw new AppError('validation', `the master passphrase must have at least ${PASSPHRASE_MIN_LENGTH} characters`, {
      issues: [{ path: 'passphrase', rule: 'min', message: 'too short', params: { min: PASSPHRASE_MIN_LENGTH } }],
    });
  }

  let state: KeyFile;
  let kek: Buffer;
  if (existsSync(file)) {
    state = readKeyFile(file);
    kek = await deriveKek(passphrase, state.kdf);
    if (unwrap(kek, CHECK_NAME, state.check) === null) {
      throw new AppError('locked', 'the master passphrase does not match this data directory', {
        reason: 'wrong_passphrase',
      });
    }
  } else {
    const kdf = {
      algorithm: 'argon2id' as const,
      salt: randomBytes(16).toString('base64'),
      ...(options.kdf ?? DEFAULT_KDF),
    };
    kek = await deriveKek(passphrase, kdf);
    state = { format: 'kontor-keys', version: 1, kdf, check: wrap(kek, CHECK_NAME, randomBytes(16)), keys: {} };
    writeAtomically(file, JSON.stringify(state, null, 2));
  }

  async function getKey(name: string): Promise<Buffer | null> {
    const wrapped = state.keys[name];
    if (wrapped === undefined) return null;
    const key = unwrap(kek, name, wrapped);
    if (key === null)
      throw new AppError(
        'locked',
        `the key '${name}' in the key file is damaged`,
        { reason: 'key_file_damaged' },
        file,
      );
    return key;
  }

  async function putKey(name: string, key: Buffer): Promise<void> {
    if (key.length !== KEY_BYTES) throw new Error(`a key must be ${KEY_BYTES} bytes`);
    const next: KeyFile = { ...state, keys: { ...state.keys, [name]: wrap(kek, name, key) } };
    writeAtomically(file, JSON.stringify(next, null, 2));
    state = next;
  }

  return { ...keyStore({ kind: 'passphrase', getKey, putKey }), names: () => Object.keys(state.keys) };
}

export function passphraseKeyFile(dataDir: string): string {
  return join(dataDir, 'keys.json');
}
