// A backup before every migration: when a start finds a store whose migrations are not all
// applied (a new version's first start), it backs every store up first, before anything changes.
// That backup is kept until the next start that finds nothing to migrate and completes: by then
// the new version has run once without trouble.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import { keyNames, type KeyStore } from '../keys/keystore';
import { loadMigrations, MIGRATIONS_TABLE, type StoreKind } from '../db/migrations';
import type { Logger } from '../router';
import { backupsIn, createBackup, type BackupSummary } from './backup';
import type { ErasureLog } from './erasure-log';
import { openKeyed } from './snapshot';

export interface PreMigrationInput {
  readonly dataDir: string;
  readonly keyStore: KeyStore;
  readonly migrationsDir: string;
  /** Where to write it, in order of preference: IT's or the administrator's folder, then beside the data. */
  readonly folders: readonly string[];
  readonly version: string;
  readonly now: Date;
  readonly erasures: ErasureLog;
  readonly logger: Logger;
}

/** Whether a store has migrations not applied yet; null when it does not open (no key, older format). */
function pending(file: string, key: Buffer, migrationsDir: string, kind: StoreKind): boolean | null {
  let db;
  try {
    db = openKeyed(file, key, { fileMustExist: true, readonly: true });
  } catch {
    return null;
  }
  try {
    const known = db.prepare('SELECT 1 FROM sqlite_schema WHERE name = ?').get(MIGRATIONS_TABLE);
    const applied = new Set(known ? (db.prepare(`SELECT tag FROM ${MIGRATIONS_TABLE}`).pluck().all() as string[]) : []);
    return loadMigrations(migrationsDir, 'sqlite', kind).some((m) => !applied.has(m.tag));
  } finally {
    db.close();
  }
}

/**
 * Backs the stores up when a migration is due, before the stores open (nothing else runs yet).
 * Returns the backup, or null when no migration is due (or there is no data yet).
 */
export async function backupBeforeMigration(input: PreMigrationInput): Promise<BackupSummary | null> {
  const { dataDir, keyStore, migrationsDir } = input;
  const systemFile = join(dataDir, 'system.db');
  if (!existsSync(systemFile)) return null;
  const systemKey = await keyStore.getKey(keyNames.systemDatabase);
  if (!systemKey) return null;
  const tenantFiles = existsSync(join(dataDir, 'tenants'))
    ? readdirSync(join(dataDir, 'tenants')).filter((f) => /^[0-9a-f-]{36}\.db$/.test(f))
    : [];
  const checks = [pending(systemFile, systemKey, migrationsDir, 'system')];
  for (const name of tenantFiles) {
    const key = await keyStore.getKey(keyNames.tenantDatabase(name.slice(0, -3)));
    checks.push(key ? pending(join(dataDir, 'tenants', name), key, migrationsDir, 'tenant') : null);
  }
  if (!checks.includes(true)) return null;
  if (checks.includes(null)) {
    // A store in an older file format (upgraded at its open) or without its key: the start says so itself.
    input.logger.warn('no backup before the migration: a store does not open with its key here');
    return null;
  }
  const system = openKeyed(systemFile, systemKey, { fileMustExist: true, readonly: true });
  let companies: { id: string; name: string; archivedAt: string | null }[];
  try {
    companies = system.prepare('SELECT id, name, archived_at AS archivedAt FROM tenants').all() as typeof companies;
  } finally {
    system.close();
  }
  const seal = { kind: 'installation', key: await keyStore.getOrCreateKey(keyNames.backupSeal) } as const;
  let failure: unknown = null;
  // A share that is offline must not stop the upgrade: the folder beside the data takes the backup.
  for (const folder of input.folders) {
    try {
      return await createBackup({
        dataDir,
        keyStore,
        folder,
        seal,
        reason: 'pre-migration',
        appVersion: input.version,
        now: input.now,
        companies,
        // Nothing else has the stores open yet.
        whileIdle: () => (fn) => fn(),
        erasures: input.erasures.list(),
      });
    } catch (error) {
      input.logger.warn('the backup before the migration could not be written here', { folder, error: String(error) });
      failure = error;
    }
  }
  throw new AppError(
    'internal',
    `no backup could be made before the migration, so nothing was migrated: ${String(failure)}`,
    {
      reason: 'backup_before_migration_failed',
    },
  );
}

/** After a start with nothing to migrate: the backups made before earlier migrations go. */
export function dropPreMigrationBackups(folder: string, before: Date): string[] {
  const dropped = backupsIn(folder).filter((b) => b.reason === 'pre-migration' && b.createdAt < before);
  for (const backup of dropped) rmSync(backup.file, { force: true });
  return dropped.map((b) => b.file);
}
