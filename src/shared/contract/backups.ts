// Backups of the installation: made on a schedule and on demand, listed, verified, pruned.
// (Restoring is done with the app closed: `kontor backup restore`, see docs/backups.md.)
import { z } from 'zod';
import { procedure } from './procedure';

export const BACKUP_PASSPHRASE_MIN_LENGTH = 12;
export const backupSchedules = ['daily', 'off'] as const;
export const backupReasonValues = ['manual', 'scheduled', 'pre-migration'] as const;

export const backupSummarySchema = z.object({
  /** The file's name in the backup folder. */
  name: z.string(),
  bytes: z.number().int(),
  createdAt: z.string(),
  reason: z.enum(backupReasonValues),
  companies: z.number().int(),
  events: z.number().int(),
  customers: z.number().int(),
});
export type BackupSummaryView = z.infer<typeof backupSummarySchema>;

export const backupListItemSchema = backupSummarySchema.extend({
  seal: z.enum(['installation', 'passphrase']),
  /** Why the manifest's figures are missing (a passphrase's seal, damaged), or null. */
  unreadable: z.string().nullable(),
});
export type BackupListItemView = z.infer<typeof backupListItemSchema>;

export const backupStatusSchema = z.object({
  /** False where this process keeps no SQLite stores (Postgres: `kontor-server backup`). */
  available: z.boolean(),
  folder: z.string(),
  /** Who chose the folder: the default beside the data, an administrator here, or IT for the machine. */
  folderSetBy: z.enum(['default', 'user', 'it']),
  schedule: z.enum(backupSchedules),
  scheduleSetBy: z.enum(['default', 'user', 'it']),
  last: backupSummarySchema.nullable(),
  /** When the schedule makes the next one (null: off). */
  nextAt: z.string().nullable(),
  /** The last scheduled backup that failed, and why (cleared by the next success). */
  lastError: z.object({ at: z.string(), message: z.string() }).nullable(),
  running: z.boolean(),
});
export type BackupStatusView = z.infer<typeof backupStatusSchema>;

const passphrase = z
  .string()
  .min(BACKUP_PASSPHRASE_MIN_LENGTH, `At least ${BACKUP_PASSPHRASE_MIN_LENGTH} characters`)
  .max(1000);
const backupName = z
  .string()
  .regex(
    /^kontor-\d{4}-\d{2}-\d{2}T\d{6}\.\d{3}Z-(manual|scheduled|pre-migration)\.kontorbackup$/,
    'Not a backup of this folder',
  );

export const backupsContract = {
  'backups.status': procedure({
    summary: 'Where backups go, the schedule, the last backup and the next one',
    input: z.strictObject({}),
    output: backupStatusSchema,
    permission: 'installation.manage',
    passive: true,
  }),
  'backups.list': procedure({
    summary: 'The backups in the backup folder, newest first',
    input: z.strictObject({}),
    output: z.array(backupListItemSchema),
    permission: 'installation.manage',
  }),
  'backups.create': procedure({
    summary: 'Back up every company now (sealed with the installation key, or with a passphrase)',
    input: z.strictObject({ passphrase: passphrase.optional() }),
    output: backupSummarySchema,
    permission: 'installation.manage',
  }),
  'backups.verify': procedure({
    summary: 'Open a backup and check it whole without restoring it',
    input: z.strictObject({ name: backupName, passphrase: passphrase.optional() }),
    output: z.object({
      name: z.string(),
      ok: z.boolean(),
      problems: z.array(z.string()),
      summary: backupSummarySchema,
    }),
    permission: 'installation.manage',
  }),
  'backups.prune': procedure({
    summary: 'Remove scheduled backups beyond the retention (7 daily, 4 weekly, 12 monthly)',
    input: z.strictObject({}),
    output: z.object({ removed: z.array(z.string()) }),
    permission: 'installation.manage',
  }),
  'backups.configure': procedure({
    summary: 'Choose the backup folder and whether a backup is made daily',
    input: z.strictObject({
      folder: z.string().min(1).max(1000).nullable(),
      schedule: z.enum(backupSchedules),
    }),
    output: backupStatusSchema,
    permission: 'installation.manage',
  }),
} as const;
