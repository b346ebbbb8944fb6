// The installation's backups as the admin screen, the CLI and the schedule use them: where they go
// (IT's folder, an administrator's, or `backups` beside the data), one at a time, audited.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { basename, isAbsolute, join } from 'node:path';
import type { BackupStatusView, BackupSummaryView } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { MachineState } from '../../shared/machine-config';
import type { AuditActor, AuditService } from '../audit/audit.service';
import type { Stores } from '../db/stores';
import type { Clock } from '../deps';
import { keyNames, type KeyStore } from '../keys/keystore';
import type { Logger } from '../router';
import { readSettingsFile, writeSettingsFile } from '../settings/settings.file';
import type { TenantsService } from '../tenants/tenants.service';
import type { BackupKdf, SealSecret } from './backup-file';
import {
  backupsIn,
  backupsToPrune,
  createBackup,
  listBackups,
  removeLeftovers,
  verifyBackup,
  type BackupProgress,
  type BackupReason,
  type BackupSummary,
  type SealResolver,
} from './backup';
import type { ErasureLog } from './erasure-log';

type SetBy = BackupStatusView['folderSetBy'];

/** A folder of one's own below IT's (a share many computers and users write to). */
const ownFolderName = () => `${hostname()}-${userInfo().username}`.replace(/[^A-Za-z0-9._-]/g, '_');

/** Where backups go: IT's folder (one per computer and user below it), an administrator's, or the default. */
export function backupFolder(
  dataDir: string,
  settingsFile: string,
  machine: MachineState,
): { folder: string; setBy: SetBy } {
  if (machine.config.backupFolder) return { folder: join(machine.config.backupFolder, ownFolderName()), setBy: 'it' };
  const chosen = readSettingsFile(settingsFile).backups?.folder;
  if (chosen) return { folder: chosen, setBy: 'user' };
  return { folder: join(dataDir, 'backups'), setBy: 'default' };
}

function backupSchedule(settingsFile: string, machine: MachineState): { schedule: 'daily' | 'off'; setBy: SetBy } {
  if (machine.config.backupSchedule) return { schedule: machine.config.backupSchedule, setBy: 'it' };
  const chosen = readSettingsFile(settingsFile).backups?.schedule;
  return chosen ? { schedule: chosen, setBy: 'user' } : { schedule: 'daily', setBy: 'default' };
}

/** A folder an administrator chose must be absolute and writable (a share may be offline). */
function checkFolder(folder: string): void {
  if (!isAbsolute(folder)) {
    throw new AppError('validation', 'the backup folder must be a full path', {
      issues: [{ path: 'folder', rule: 'absolute', message: 'A full path (C:\\Backups\\Kontor, /srv/backups)' }],
    });
  }
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const probe = join(folder, `.kontor-write-test-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    throw new AppError(
      'validation',
      `Kontor cannot write into ${folder}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      {
        reason: 'backup_folder_unwritable',
        issues: [{ path: 'folder', rule: 'writable', message: 'Kontor cannot write into this folder' }],
      },
    );
  }
}

export const DAY_MS = 86_400_000;
/** How often the schedule looks whether a backup is due; the first look comes soon after a start. */
const SCHEDULE_CHECK_MS = 10 * 60_000;
const FIRST_CHECK_MS = 2 * 60_000;

export interface BackupsDeps {
  readonly dataDir: string;
  readonly keyStore: KeyStore;
  readonly stores: Stores;
  readonly tenants: TenantsService;
  readonly audit: AuditService;
  readonly clock: Clock;
  readonly version: string;
  readonly erasures: ErasureLog;
  readonly settingsFile: string;
  readonly machine: MachineState;
  readonly logger: Logger;
  readonly kdf?: BackupKdf;
}

export type BackupsService = ReturnType<typeof createBackupsService>;

const view = (summary: BackupSummary): BackupSummaryView => ({ ...summary, name: basename(summary.file) });

export function createBackupsService(deps: BackupsDeps) {
  const { dataDir, keyStore, stores, clock, audit } = deps;
  let running: Promise<unknown> | null = null;
  let lastError: { at: string; message: string } | null = null;

  const folder = () => backupFolder(dataDir, deps.settingsFile, deps.machine);

  function requireSqlite(): void {
    if (stores.dialect !== 'sqlite') {
      throw new AppError(
        'conflict',
        'this installation keeps its data in Postgres: it is backed up on the database server (kontor-server backup, pg_dump)',
        { reason: 'backup_needs_sqlite' },
      );
    }
  }

  const installationSeal = async (): Promise<SealSecret> => ({
    kind: 'installation',
    key: await keyStore.getOrCreateKey(keyNames.backupSeal),
  });

  /** A backup's secret: the installation's key, or the passphrase given with the call. */
  const resolver =
    (passphrase: string | undefined): SealResolver =>
    async (seal) =>
      seal.kind === 'passphrase' && passphrase !== undefined ? { kind: 'passphrase', passphrase } : installationSeal();

  /** One backup (or verify) at a time: a second call is told so instead of waiting. */
  async function exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (running)
      throw new AppError('conflict', 'a backup is being made or checked already', { reason: 'backup_running' });
    const started = work();
    running = started;
    try {
      return await started;
    } finally {
      running = null;
    }
  }

  async function create(
    reason: BackupReason,
    passphrase: string | undefined,
    actor: AuditActor,
    progress: BackupProgress = {},
  ): Promise<BackupSummaryView> {
    requireSqlite();
    return exclusive(async () => {
      const target = folder().folder;
      removeLeftovers(target);
      const summary = await createBackup(
        {
          dataDir,
          keyStore,
          folder: target,
          seal: passphrase === undefined ? await installationSeal() : { kind: 'passphrase', passphrase },
          reason,
          appVersion: deps.version,
          now: clock.now(),
          companies: await deps.tenants.list(),
          whileIdle: (store) => {
            const executor =
              store === 'system' ? Promise.resolve(stores.system.sql) : stores.tenant(store).then((s) => s.sql);
            return async (fn) => (await executor).whileIdle(fn);
          },
          erasures: deps.erasures.list(),
          ...(deps.kdf && { kdf: deps.kdf }),
        },
        progress,
      );
      await audit.append({
        ...actor,
        action: 'backup.created',
        details: {
          name: basename(summary.file),
          bytes: summary.bytes,
          reason,
          seal: passphrase === undefined ? 'installation' : 'passphrase',
        },
      });
      return view(summary);
    });
  }

  async function status(): Promise<BackupStatusView> {
    const { folder: target, setBy: folderSetBy } = folder();
    const { schedule, setBy: scheduleSetBy } = backupSchedule(deps.settingsFile, deps.machine);
    const available = stores.dialect === 'sqlite';
    // A folder that cannot be read (a share offline) leaves the status without a last backup.
    const readable = <T>(read: () => Promise<T>, otherwise: T) => read().catch(() => otherwise);
    const [last] = available
      ? await readable(async () => listBackups(target, await keyStore.getKey(keyNames.backupSeal), 1), [])
      : [];
    const lastScheduled = (await readable(async () => backupsIn(target), [])).find((b) => b.reason === 'scheduled');
    const nextAt =
      available && schedule === 'daily'
        ? new Date(Math.max(clock.now().getTime(), (lastScheduled?.createdAt.getTime() ?? 0) + DAY_MS)).toISOString()
        : null;
    return {
      available,
      folder: target,
      folderSetBy,
      schedule,
      scheduleSetBy,
      last: last ? view(last) : null,
      nextAt,
      lastError,
      running: running !== null,
    };
  }

  async function prune(actor: AuditActor): Promise<{ removed: string[] }> {
    requireSqlite();
    const removed = backupsToPrune(backupsIn(folder().folder));
    for (const file of removed) rmSync(file, { force: true });
    if (removed.length > 0) {
      await audit.append({ ...actor, action: 'backup.pruned', details: { removed: removed.map((f) => basename(f)) } });
    }
    return { removed: removed.map((f) => basename(f)) };
  }

  /** A scheduled backup when the last is a day old, then the retention; failures are kept for the status. */
  async function runSchedule(): Promise<void> {
    if (stores.dialect !== 'sqlite' || running) return;
    if (backupSchedule(deps.settingsFile, deps.machine).schedule !== 'daily') return;
    const system: AuditActor = { actorId: null, actor: null };
    try {
      const last = backupsIn(folder().folder).find((b) => b.reason === 'scheduled');
      if (last && clock.now().getTime() - last.createdAt.getTime() < DAY_MS) return;
      await create('scheduled', undefined, system);
      await prune(system);
      lastError = null;
    } catch (error) {
      lastError = { at: clock.now().toISOString(), message: error instanceof Error ? error.message : String(error) };
      deps.logger.error('scheduled backup failed', { error: lastError.message });
    }
  }

  return {
    status,
    create,
    prune,
    runSchedule,
    async list() {
      requireSqlite();
      const items = await listBackups(folder().folder, await keyStore.getKey(keyNames.backupSeal));
      return items.map((item) => ({ ...view(item), seal: item.seal, unreadable: item.unreadable }));
    },
    async verify(name: string, passphrase: string | undefined, progress: BackupProgress = {}) {
      requireSqlite();
      return exclusive(async () => {
        const target = folder().folder;
        const report = await verifyBackup(join(target, name), resolver(passphrase), target, progress);
        return { name, ok: report.ok, problems: report.problems, summary: view(report.summary) };
      });
    },
    async configure(
      input: { folder: string | null; schedule: 'daily' | 'off' },
      actor: AuditActor,
    ): Promise<BackupStatusView> {
      const locked = deps.machine.config;
      const current = await status();
      const folderChanged = (input.folder ?? join(dataDir, 'backups')) !== current.folder;
      if ((locked.backupFolder && folderChanged) || (locked.backupSchedule && input.schedule !== current.schedule)) {
        throw new AppError('forbidden', 'IT has set the backups of this computer; they cannot be changed here', {
          reason: 'set_by_it',
        });
      }
      if (input.folder !== null) checkFolder(input.folder);
      const settings = readSettingsFile(deps.settingsFile);
      writeSettingsFile(deps.settingsFile, {
        ...settings,
        backups: { ...(input.folder !== null && { folder: input.folder }), schedule: input.schedule },
      });
      await audit.append({
        ...actor,
        action: 'backup.configured',
        details: { folder: input.folder, schedule: input.schedule },
      });
      return status();
    },
    /** Starts the daily schedule (desks only); returns what stops it. */
    startSchedule(): () => void {
      let timer: NodeJS.Timeout | undefined;
      const tick = (delay: number) => {
        timer = setTimeout(() => void runSchedule().finally(() => tick(SCHEDULE_CHECK_MS)), delay);
        timer.unref();
      };
      tick(FIRST_CHECK_MS);
      return () => clearTimeout(timer);
    },
    /** Resolves when no backup runs (before closing the stores). */
    settled: async () => {
      await running?.catch(() => undefined);
    },
  };
}
