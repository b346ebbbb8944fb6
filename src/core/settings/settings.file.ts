// The installation's settings file (settings.json in the data directory). It holds what must be
// known before any database opens: which database to use and which key store holds the keys.
import { existsSync, readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { databaseChoiceSchema, keyStoreKinds } from '../../shared/contract';
import { AppError, validationError } from '../../shared/errors';

export const settingsFileSchema = z.strictObject({
  database: databaseChoiceSchema.default({ kind: 'sqlite' }),
  keyStore: z.enum(keyStoreKinds).optional(),
});
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
