// Backups of a desk's SQLite stores: create, list, verify, prune, restore.
//
// A backup is one sealed file (backup-file.ts) holding a manifest and a consistent copy of the
// system store and every company's store (snapshot.ts). The manifest also holds the keys the copies
// need — each copy's own new key, and the installation's keys of field encryption, stored secrets,
// the audit chain and of the installation seal — so a backup restores on a new machine with its seal
// alone: the installation's key (from the key backup) or the passphrase it was made with.
import { createHash, randomBytes } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { AppError, throwIfCancelled } from '../../shared/errors';
import { keyNames, type KeyStore } from '../keys/keystore';
import { tenantDatabaseFile } from '../db/sqlite-stores';
import {
  BACKUP_EXTENSION,
  openBackupFile,
  readBackupHeader,
  writeBackupFile,
  type BackupKdf,
  type Seal,
  type SealSecret,
} from './backup-file';
import {
  erasureSchema,
  FOLDER_ERASURE_LOG_FILE,
  mergeErasures,
  readErasures,
  writeErasures,
  type Erasure,
} from './erasure-log';
import { openKeyed, snapshotSqlite, type SnapshotSource } from './snapshot';

export const backupReasons = ['manual', 'scheduled', 'pre-migration'] as const;
export type BackupReason = (typeof backupReasons)[number];

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const fileName = z.string().regex(/^(system\.db|tenants\/[0-9a-f-]{36}\.db)$/);

export const manifestSchema = z.object({
  format: z.literal('kontor-backup-manifest'),
  version: z.literal(1),
  createdAt: z.string().max(40),
  appVersion: z.string().max(100),
  reason: z.enum(backupReasons),
  dialect: z.literal('sqlite'),
  companies: z
    .array(
      z.object({
        id: z.uuid(),
        name: z.string().max(500),
        archived: z.boolean(),
        events: z.number().int().min(0),
        customers: z.number().int().min(0),
      }),
    )
    .max(10_000),
  files: z
    .array(
      z.object({
        name: fileName,
        bytes: z.number().int().min(0),
        sha256: hex64,
        key: hex64,
        rows: z.record(z.string().max(200), z.number().int().min(0)),
        definitions: z.array(z.string().max(100_000)).max(10_000),
      }),
    )
    .min(1)
    .max(10_001),
  /** The installation's own keys (base64), by key store name. */
  keys: z.record(z.string().max(200), z.string().max(100)),
  erasures: z.array(erasureSchema).max(10_000_000),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** The installation keys a backup carries; the databases' keys are each copy's own. */
const CARRIED_KEYS = [keyNames.systemSecrets, keyNames.fieldMaster, keyNames.auditChain, keyNames.backupSeal];

export interface BackupProgress {
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: (done: number, total: number, step: 'copy' | 'seal' | 'check' | 'restore') => void;
}

export interface BackupSummary {
  readonly file: string;
  readonly bytes: number;
  readonly createdAt: string;
  readonly reason: BackupReason;
  readonly companies: number;
  readonly events: number;
  readonly customers: number;
}

const summaryOf = (file: string, bytes: number, manifest: Manifest): BackupSummary => ({
  file,
  bytes,
  createdAt: manifest.createdAt,
  reason: manifest.reason,
  companies: manifest.companies.length,
  events: manifest.companies.reduce((sum, c) => sum + c.events, 0),
  customers: manifest.companies.reduce((sum, c) => sum + c.customers, 0),
});

/** `kontor-2026-12-08T013005.123Z-scheduled.kontorbackup`: sorts by time, tells its reason. */
export function backupFileName(createdAt: Date, reason: BackupReason): string {
  return `kontor-${createdAt.toISOString().replace(/[:]/g, '')}-${reason}${BACKUP_EXTENSION}`;
}

const NAME_PATTERN =
  /^kontor-(\d{4}-\d{2}-\d{2})T(\d{2})(\d{2})(\d{2}\.\d{3})Z-(manual|scheduled|pre-migration)\.kontorbackup$/;

/** The backups in a folder, by their names (no file is opened), newest first. */
export function backupsIn(folder: string): { file: string; createdAt: Date; reason: BackupReason }[] {
  if (!existsSync(folder)) return [];
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (error) {
    throw new AppError(
      'conflict',
      `the backup folder ${folder} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      {
        reason: 'backup_folder_unreadable',
      },
    );
  }
  return names
    .flatMap((name) => {
      const match = NAME_PATTERN.exec(name);
      if (!match) return [];
      const [, day, hours, minutes, seconds, reason] = match;
      const iso = `${day}T${hours}:${minutes}:${seconds}Z`;
      return [{ file: join(folder, name), createdAt: new Date(iso), reason: z.enum(backupReasons).parse(reason) }];
    })
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

export interface CreateBackupInput {
  readonly dataDir: string;
  readonly keyStore: KeyStore;
  readonly folder: string;
  readonly seal: SealSecret;
  readonly reason: BackupReason;
  readonly appVersion: string;
  readonly now: Date;
  /** The companies, as the system store lists them. */
  readonly companies: readonly { id: string; name: string; archivedAt: string | null }[];
  /** Each store's way (`system`, or a company's id) to wait until the app's connection is idle (Executor.whileIdle). */
  readonly whileIdle: (store: string) => <T>(fn: () => Promise<T>) => Promise<T>;
  readonly erasures: readonly Erasure[];
  readonly kdf?: BackupKdf;
}

const sha256Of = async (path: string): Promise<string> => {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
};

/** Makes a backup in the folder; all or nothing (a cancel or a crash leaves no file under a backup's name). */
export async function createBackup(input: CreateBackupInput, progress: BackupProgress = {}): Promise<BackupSummary> {
  const { dataDir, keyStore, folder, signal } = { ...input, signal: progress.signal };
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const work = join(folder, `.kontor-backup-${randomBytes(6).toString('hex')}.partial`);
  mkdirSync(work, { mode: 0o700 });
  try {
    const sources: SnapshotSource[] = [];
    const systemKey = await keyStore.getKey(keyNames.systemDatabase);
    if (!systemKey) throw new AppError('locked', 'no key for the system store in the key store');
    sources.push({
      name: 'system.db',
      file: join(dataDir, 'system.db'),
      key: systemKey,
      whileIdle: input.whileIdle('system'),
    });
    const companies = input.companies.filter((c) => existsSync(tenantDatabaseFile(dataDir, c.id)));
    for (const company of companies) {
      const key = await keyStore.getKey(keyNames.tenantDatabase(company.id));
      if (!key) throw new AppError('locked', `no key for the store of company ${company.name} in the key store`);
      sources.push({
        name: `tenants/${company.id}.db`,
        file: tenantDatabaseFile(dataDir, company.id),
        key,
        whileIdle: input.whileIdle(company.id),
      });
    }
    const snapshots = await snapshotSqlite(sources, work, {
      signal,
      onRows: (done, total) => progress.onProgress?.(done, total, 'copy'),
    });
    const keys: Record<string, string> = {};
    for (const name of CARRIED_KEYS) {
      const key = await keyStore.getKey(name);
      if (key) keys[name] = key.toString('base64');
    }
    const files = [];
    for (const snapshot of snapshots) {
      throwIfCancelled(signal, 'backup cancelled');
      files.push({
        name: snapshot.name,
        bytes: snapshot.bytes,
        sha256: await sha256Of(snapshot.path),
        key: snapshot.key.toString('hex'),
        rows: snapshot.rows,
        definitions: [...snapshot.definitions],
      });
    }
    const rowsOf = (id: string, table: string) =>
      snapshots.find((s) => s.name === `tenants/${id}.db`)?.rows[table] ?? 0;
    const manifest: Manifest = {
      format: 'kontor-backup-manifest',
      version: 1,
      createdAt: input.now.toISOString(),
      appVersion: input.appVersion,
      reason: input.reason,
      dialect: 'sqlite',
      companies: companies.map((c) => ({
        id: c.id,
        name: c.name,
        archived: c.archivedAt !== null,
        events: rowsOf(c.id, 'events'),
        customers: rowsOf(c.id, 'customers'),
      })),
      files,
      keys,
      erasures: [...input.erasures],
    };
    const out = join(folder, backupFileName(input.now, input.reason));
    if (existsSync(out))
      throw new AppError('conflict', `a backup of this second exists already: ${basename(out)}`, {
        reason: 'backup_exists',
      });
    const partial = join(work, 'backup');
    const { bytes } = await writeBackupFile(
      partial,
      input.seal,
      input.now,
      manifest,
      snapshots.map((s) => ({ path: s.path, bytes: s.bytes })),
      { signal, onBytes: (done, total) => progress.onProgress?.(done, total, 'seal') },
      input.kdf,
    );
    renameSync(partial, out);
    // Beside the backups: every erasure so far, for a restore on a machine without this one's log.
    const folderLog = join(folder, FOLDER_ERASURE_LOG_FILE);
    writeErasures(folderLog, mergeErasures(readErasures(folderLog), input.erasures));
    return summaryOf(out, bytes, manifest);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Work folders of backups that were cancelled or cut off by a crash. */
export function removeLeftovers(folder: string): void {
  if (!existsSync(folder)) return;
  for (const name of readdirSync(folder)) {
    if (/^\.kontor-(backup|restore)-[0-9a-f]{12}\.partial$/.test(name))
      rmSync(join(folder, name), { recursive: true, force: true });
  }
}

/** The secret that opens a backup with this seal (the installation's key, or a passphrase asked for). */
export type SealResolver = (seal: Seal) => Promise<SealSecret>;

async function openManifest(file: string, seal: SealResolver) {
  const opened = await openBackupFile(file, seal);
  const parsed = manifestSchema.safeParse(opened.manifest);
  if (!parsed.success) {
    await opened.close();
    throw new AppError('validation', 'the backup file is damaged or not a Kontor backup: its manifest is not one', {
      reason: 'backup_damaged',
    });
  }
  return { opened, manifest: parsed.data };
}

export interface BackupListItem extends BackupSummary {
  /** Null when the manifest could be read; else why not (another installation's, a passphrase's, damaged). */
  readonly unreadable: string | null;
  readonly seal: 'installation' | 'passphrase';
}

/** The backups in a folder, newest first, each with its manifest's figures where this installation opens it. */
export async function listBackups(
  folder: string,
  installationKey: Buffer | null,
  limit = Infinity,
): Promise<BackupListItem[]> {
  const items: BackupListItem[] = [];
  for (const found of backupsIn(folder).slice(0, limit)) {
    const bytes = statSync(found.file).size;
    const base = { file: found.file, bytes, createdAt: found.createdAt.toISOString(), reason: found.reason };
    try {
      const header = await readBackupHeader(found.file);
      if (header.seal.kind === 'passphrase' || !installationKey) {
        items.push({
          ...base,
          companies: 0,
          events: 0,
          customers: 0,
          seal: header.seal.kind,
          unreadable: header.seal.kind === 'passphrase' ? 'sealed with a passphrase' : 'no installation key',
        });
        continue;
      }
      const { opened, manifest } = await openManifest(found.file, async () => ({
        kind: 'installation',
        key: installationKey,
      }));
      await opened.close();
      items.push({ ...summaryOf(found.file, bytes, manifest), seal: 'installation', unreadable: null });
    } catch (error) {
      items.push({
        ...base,
        companies: 0,
        events: 0,
        customers: 0,
        seal: 'installation',
        unreadable: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return items;
}

export interface VerifyReport {
  readonly file: string;
  readonly createdAt: string;
  readonly ok: boolean;
  readonly problems: string[];
  readonly summary: BackupSummary;
}

/**
 * Writes the backup's files into `dir` (checked against the manifest's checksums), then opens
 * each copy and checks it: `PRAGMA integrity_check` and every table's row count.
 */
async function unpack(
  file: string,
  seal: SealResolver,
  dir: string,
  progress: BackupProgress,
): Promise<{ manifest: Manifest; problems: string[]; paths: string[] }> {
  const { opened, manifest } = await openManifest(file, seal);
  const problems: string[] = [];
  const paths = manifest.files.map((_, i) => join(dir, `${i}.db`));
  const total = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
  let done = 0;
  try {
    type Writing = {
      index: number;
      out: ReturnType<typeof createWriteStream>;
      hash: ReturnType<typeof createHash>;
    };
    // Set and cleared in finish() as well: a holder, so the compiler does not narrow it to null.
    let current = null as Writing | null;
    const finish = async () => {
      if (!current) return;
      current.out.end();
      await once(current.out, 'close');
      const entry = manifest.files[current.index];
      if (entry && current.hash.digest('hex') !== entry.sha256)
        problems.push(`${entry.name}: its checksum does not match`);
      current = null;
    };
    for await (const { index, chunk } of opened.files(
      manifest.files.map((f) => f.bytes),
      progress.signal,
    )) {
      if (current?.index !== index) {
        await finish();
        current = {
          index,
          out: createWriteStream(paths[index] as string, { mode: 0o600 }),
          hash: createHash('sha256'),
        };
      }
      current.hash.update(chunk);
      if (!current.out.write(chunk)) await once(current.out, 'drain');
      done += chunk.length;
      progress.onProgress?.(done, total, 'check');
    }
    await finish();
    // An empty file has no chunk: make it, so every path exists.
    for (const [i, entry] of manifest.files.entries()) {
      if (entry.bytes === 0 && !existsSync(paths[i] as string)) problems.push(`${entry.name}: empty`);
    }
  } finally {
    await opened.close();
  }
  return { manifest, problems, paths };
}

function checkCopy(path: string, entry: Manifest['files'][number], withDefinitions: boolean): string[] {
  const problems: string[] = [];
  let db;
  try {
    db = openKeyed(path, Buffer.from(entry.key, 'hex'), { fileMustExist: true });
  } catch (error) {
    return [`${entry.name}: does not open (${error instanceof Error ? error.message : String(error)})`];
  }
  try {
    if (withDefinitions) for (const definition of entry.definitions) db.exec(definition);
    const integrity = db.pragma('integrity_check', { simple: false }) as { integrity_check: string }[];
    const bad = integrity.map((r) => r.integrity_check).filter((r) => r !== 'ok');
    if (bad.length > 0) problems.push(`${entry.name}: integrity check: ${bad.slice(0, 5).join('; ')}`);
    for (const [table, rows] of Object.entries(entry.rows)) {
      const count = db
        .prepare(`SELECT count(*) FROM "${table.replaceAll('"', '""')}"`)
        .pluck()
        .get() as number;
      if (count !== rows) problems.push(`${entry.name}: ${table} holds ${count} rows, the manifest says ${rows}`);
    }
  } catch (error) {
    problems.push(`${entry.name}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    db.close();
  }
  return problems;
}

/** Opens a backup and checks it whole, without restoring it (in a temporary folder that is removed). */
export async function verifyBackup(
  file: string,
  seal: SealResolver,
  scratch: string,
  progress: BackupProgress = {},
): Promise<VerifyReport> {
  const dir = join(scratch, `.kontor-restore-${randomBytes(6).toString('hex')}.partial`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    const { manifest, problems, paths } = await unpack(file, seal, dir, progress);
    for (const [i, entry] of manifest.files.entries()) {
      throwIfCancelled(progress.signal, 'verify cancelled');
      if (problems.some((p) => p.startsWith(`${entry.name}:`))) continue;
      problems.push(...checkCopy(paths[i] as string, entry, false));
      progress.onProgress?.(i + 1, manifest.files.length, 'check');
      await new Promise((done) => setImmediate(done));
    }
    return {
      file,
      createdAt: manifest.createdAt,
      ok: problems.length === 0,
      problems,
      summary: summaryOf(file, statSync(file).size, manifest),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface RestoreResult {
  readonly summary: BackupSummary;
  /** Every erasure known (the backup's, the folder's, the target's): to re-apply once the stores open. */
  readonly erasures: Erasure[];
  readonly companies: Manifest['companies'];
}

/**
 * Restores a backup into a fresh data directory (one without a system store): every copy checked
 * as `verify` checks it, its indexes built, its key and the installation's keys put into the key
 * store, then moved into place, the system store last (its presence marks a finished restore).
 * The caller then opens Kontor there and re-applies the erasures (reapplyErasures).
 */
export async function restoreBackup(
  file: string,
  seal: SealResolver,
  target: { dataDir: string; keyStore: KeyStore },
  progress: BackupProgress = {},
): Promise<RestoreResult> {
  const { dataDir, keyStore } = target;
  if (existsSync(join(dataDir, 'system.db'))) {
    throw new AppError('conflict', `${dataDir} holds Kontor data already: restore into a new, empty data directory`, {
      reason: 'restore_target_in_use',
    });
  }
  mkdirSync(join(dataDir, 'tenants'), { recursive: true, mode: 0o700 });
  removeLeftovers(dataDir);
  const dir = join(dataDir, `.kontor-restore-${randomBytes(6).toString('hex')}.partial`);
  mkdirSync(dir, { mode: 0o700 });
  try {
    const { manifest, problems, paths } = await unpack(file, seal, dir, progress);
    for (const [i, entry] of manifest.files.entries()) {
      throwIfCancelled(progress.signal, 'restore cancelled');
      problems.push(...checkCopy(paths[i] as string, entry, true));
      progress.onProgress?.(i + 1, manifest.files.length, 'restore');
      await new Promise((done) => setImmediate(done));
    }
    if (problems.length > 0) {
      throw new AppError('validation', `the backup does not restore: ${problems.slice(0, 5).join('; ')}`, {
        reason: 'backup_damaged',
      });
    }
    throwIfCancelled(progress.signal, 'restore cancelled');
    // From here on nothing is cancelled: the keys first, then the files, the system store last.
    for (const [name, key] of Object.entries(manifest.keys)) await keyStore.putKey(name, Buffer.from(key, 'base64'));
    const order = manifest.files
      .map((entry, i) => ({ entry, path: paths[i] as string }))
      .sort((a, b) => (a.entry.name === 'system.db' ? 1 : b.entry.name === 'system.db' ? -1 : 0));
    for (const { entry, path } of order) {
      const keyName =
        entry.name === 'system.db'
          ? keyNames.systemDatabase
          : keyNames.tenantDatabase(entry.name.slice('tenants/'.length, -'.db'.length));
      await keyStore.putKey(keyName, Buffer.from(entry.key, 'hex'));
      renameSync(path, join(dataDir, entry.name));
    }
    const erasures = mergeErasures(
      manifest.erasures,
      readErasures(join(dirname(file), FOLDER_ERASURE_LOG_FILE)),
      readErasures(join(dataDir, 'erasures.jsonl')),
    );
    writeErasures(join(dataDir, 'erasures.jsonl'), erasures);
    return { summary: summaryOf(file, statSync(file).size, manifest), erasures, companies: manifest.companies };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Retention of scheduled backups: the newest of each of the last `daily` days, `weekly` weeks and
 * `monthly` months that have one. Manual backups stay until removed by hand; pre-migration ones
 * until the next successful start.
 */
export function backupsToPrune(
  found: readonly { file: string; createdAt: Date; reason: BackupReason }[],
  keep = { daily: 7, weekly: 4, monthly: 12 },
): string[] {
  const scheduled = found
    .filter((b) => b.reason === 'scheduled')
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const kept = new Set<string>();
  const buckets: [number, (d: Date) => string][] = [
    [keep.daily, (d) => d.toISOString().slice(0, 10)],
    [keep.weekly, isoWeek],
    [keep.monthly, (d) => d.toISOString().slice(0, 7)],
  ];
  for (const [count, bucketOf] of buckets) {
    const seen = new Set<string>();
    for (const backup of scheduled) {
      const bucket = bucketOf(backup.createdAt);
      if (seen.has(bucket)) continue;
      if (seen.size >= count) break;
      seen.add(bucket);
      kept.add(backup.file);
    }
  }
  return scheduled.filter((b) => !kept.has(b.file)).map((b) => b.file);
}

/** ISO 8601 week of a date (UTC), as `2026-W49`. */
export function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
