// Key backup: the installation's keys (database keys, the field-encryption master key, the key
// of stored secrets) in one file, sealed with a key derived from a passphrase (argon2id). With the
// file and its passphrase another machine opens the same data; without both, nobody can.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { decrypt, encrypt } from '../crypto/aead';
import { DEFAULT_KDF, deriveKek, kdfSchema, PASSPHRASE_MIN_LENGTH } from './passphrase-store';
import { KEY_BYTES, type KeyStore } from './keystore';

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

const backupSchema = z.object({
  format: z.literal('kontor-key-backup'),
  /** 1: only the keys were authenticated; 2: every field of the file is. */
  version: z.union([z.literal(1), z.literal(2)]),
  createdAt: z.string().max(40),
  kdf: kdfSchema,
  /** The names are listed in clear so an admin can see what the file holds; the keys are not. */
  names: z.array(z.string().max(200)).max(1000),
  sealed: b64,
});
type Backup = z.infer<typeof backupSchema>;

/** What the seal authenticates besides the keys: every other field of the file (version 2). */
function backupAad(file: Omit<Backup, 'sealed'>): string {
  return file.version === 1
    ? 'kontor:key-backup:v1'
    : JSON.stringify(['kontor:key-backup', file.version, file.createdAt, file.kdf, file.names]);
}

const keysSchema = z.record(z.string(), b64);

export function checkBackupPassphrase(passphrase: string): void {
  if (passphrase.length < PASSPHRASE_MIN_LENGTH) {
    throw new AppError('validation', `the backup passphrase must have at least ${PASSPHRASE_MIN_LENGTH} characters`, {
      issues: [
        {
          path: 'passphrase',
          rule: 'min',
          message: `At least ${PASSPHRASE_MIN_LENGTH} characters`,
          params: { min: PASSPHRASE_MIN_LENGTH },
        },
      ],
    });
  }
}

export async function exportKeyBackup(
  keyStore: KeyStore,
  names: readonly string[],
  passphrase: string,
  now: Date,
  kdfParams: { memoryKiB: number; iterations: number; parallelism: number } = DEFAULT_KDF,
): Promise<string> {
  checkBackupPassphrase(passphrase);
  const keys: Record<string, string> = {};
  for (const name of names) {
    const key = await keyStore.getKey(name);
    if (key) keys[name] = key.toString('base64');
  }
  const kdf = { algorithm: 'argon2id' as const, salt: randomBytes(16).toString('base64'), ...kdfParams };
  const wrapping = await deriveKek(passphrase, kdf);
  const header: Omit<Backup, 'sealed'> = {
    format: 'kontor-key-backup',
    version: 2,
    createdAt: now.toISOString(),
    kdf,
    names: Object.keys(keys).sort(),
  };
  const sealed = encrypt(wrapping, Buffer.from(JSON.stringify(keys), 'utf8'), backupAad(header)).toString('base64');
  const file: Backup = { ...header, sealed };
  return `${JSON.stringify(file, null, 2)}\n`;
}

export interface ImportResult {
  readonly imported: string[];
  readonly unchanged: string[];
}

/**
 * Puts the file's keys into the key store. A name the store already holds with a different key is a
 * conflict: nothing is written then, so a backup of another installation cannot break this one.
 */
export async function importKeyBackup(
  keyStore: KeyStore,
  text: string,
  passphrase: string,
  {
    replace = false,
    keepReplacedIn,
    now = new Date(),
  }: {
    replace?: boolean;
    /** Where the keys being replaced are kept first, sealed with the same passphrase (required to replace). */
    keepReplacedIn?: string;
    now?: Date;
  } = {},
): Promise<ImportResult & { replaced: string[]; keptIn: string | null }> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError('validation', 'this is not a Kontor key backup (not JSON)', { reason: 'not_a_backup' });
  }
  const parsed = backupSchema.safeParse(json);
  if (!parsed.success)
    throw new AppError('validation', 'this is not a Kontor key backup, or it is damaged', { reason: 'not_a_backup' });
  const wrapping = await deriveKek(passphrase, parsed.data.kdf);
  let keys: Record<string, string>;
  try {
    const plain = decrypt(wrapping, Buffer.from(parsed.data.sealed, 'base64'), backupAad(parsed.data));
    keys = keysSchema.parse(JSON.parse(plain.toString('utf8')));
  } catch {
    // A wrong passphrase and a changed file look the same to AES-GCM.
    throw new AppError('locked', 'the passphrase does not open this key backup, or the file was changed', {
      reason: 'wrong_backup_passphrase',
    });
  }
  if (JSON.stringify(Object.keys(keys).sort()) !== JSON.stringify([...parsed.data.names].sort())) {
    throw new AppError('validation', 'the key backup lists other keys than it holds; it was changed', {
      reason: 'not_a_backup',
    });
  }
  const imported: string[] = [];
  const unchanged: string[] = [];
  const replaced: string[] = [];
  const incoming = Object.entries(keys).map(([name, value]) => ({ name, key: Buffer.from(value, 'base64') }));
  for (const { name, key } of incoming) {
    if (key.length !== KEY_BYTES)
      throw new AppError('validation', `the key '${name}' in the backup is damaged`, { reason: 'not_a_backup' });
    const existing = await keyStore.getKey(name);
    if (existing === null) imported.push(name);
    else if (existing.equals(key)) unchanged.push(name);
    else if (replace) replaced.push(name);
    else {
      throw new AppError(
        'conflict',
        `this installation already has a different key '${name}' (made when it started without the backup?). ` +
          'If it holds no data of its own, import again with --replace; nothing was changed.',
        { reason: 'backup_key_differs', name },
      );
    }
  }
  // The keys being replaced may be the only way into data nobody thought of: they are written,
  // sealed like a backup, before anything is overwritten.
  let keptIn: string | null = null;
  if (replaced.length > 0) {
    if (keepReplacedIn === undefined) throw new Error('replacing keys needs a place to keep the old ones');
    keptIn = join(keepReplacedIn, `kontor-keys-replaced-${now.toISOString().replace(/[:.]/g, '-')}.json`);
    const { memoryKiB, iterations, parallelism } = parsed.data.kdf;
    writeFileSync(
      keptIn,
      await exportKeyBackup(keyStore, replaced, passphrase, now, { memoryKiB, iterations, parallelism }),
      {
        mode: 0o600,
        flag: 'wx',
      },
    );
  }
  for (const { name, key } of incoming) {
    if (imported.includes(name) || replaced.includes(name)) await keyStore.putKey(name, key);
  }
  return { imported, unchanged, replaced, keptIn };
}
