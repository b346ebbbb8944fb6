// The installation's settings file (settings.json in the data directory). It holds what must be
// known before any database opens: which database to use and which key store holds the keys.
import { existsSync, readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { backupSchedules, databaseChoiceSchema, keyStoreKinds, type DatabaseChoice } from '../../shared/contract';
import { AppError, validationError } from '../../shared/errors';

/**
 * The database as stored: a Postgres password never stands in the file in plain text; it is kept
 * sealed with the installation's secrets key (like the SMTP password), apart from the URL.
 */
const storedDatabaseSchema = z.union([
  databaseChoiceSchema,
  z.strictObject({ kind: z.literal('postgres'), url: z.string(), passwordSealed: z.string() }),
]);
export type StoredDatabase = z.infer<typeof storedDatabaseSchema>;

export const settingsFileSchema = z.strictObject({
  database: storedDatabaseSchema.default({ kind: 'sqlite' }),
  keyStore: z.enum(keyStoreKinds).optional(),
  /** Where backups go and whether one is made daily, as an administrator chose (IT's choice wins). */
  backups: z
    .strictObject({ folder: z.string().min(1).optional(), schedule: z.enum(backupSchedules).optional() })
    .optional(),
});

export const DATABASE_PASSWORD_PURPOSE = 'database-password';

/** What goes into the file for a chosen database: the URL without its password, the password sealed. */
export function storedDatabase(
  choice: DatabaseChoice,
  seal: (purpose: string, plain: string) => string,
): StoredDatabase {
  if (choice.kind !== 'postgres') return choice;
  const url = new URL(choice.url);
  if (url.password === '') return { kind: 'postgres', url: url.toString() };
  const password = decodeURIComponent(url.password);
  url.password = '';
  return { kind: 'postgres', url: url.toString(), passwordSealed: seal(DATABASE_PASSWORD_PURPOSE, password) };
}

/** The URL to connect with: the stored one, its password unsealed back in. */
export function databaseUrl(
  stored: Extract<StoredDatabase, { kind: 'postgres' }>,
  open: (purpose: string, sealed: string) => string,
): string {
  if (!('passwordSealed' in stored)) return stored.url;
  const url = new URL(stored.url);
  url.password = encodeURIComponent(open(DATABASE_PASSWORD_PURPOSE, stored.passwordSealed));
  return url.toString();
}
export type SettingsFile = z.infer<typeof settingsFileSchema>;

export function settingsFilePath(dataDir: string): string {
  return join(dataDir, 'settings.json');
}

export function readSettingsFile(file: string): SettingsFile {
  if (!existsSync(file)) return settingsFileSchema.parse({});
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AppError('validation', `${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = settingsFileSchema.safeParse(json);
  if (!parsed.success) throw validationError(parsed.error, `settings in ${file}`);
  return parsed.data;
}

export function writeSettingsFile(file: string, settings: SettingsFile): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(settings, null, 2), { mode: 0o600 });
  renameSync(tmp, file);
}
