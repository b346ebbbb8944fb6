import { z } from 'zod';
import { passwordSchema } from './auth';
import { customerSchema } from './customers';
import { procedure } from './procedure';

/** Like the passphrase key store's: long enough that argon2id makes guessing it hopeless. */
export const BACKUP_PASSPHRASE_MIN = 12;

const customerInput = z.strictObject({ customerId: z.uuid('Not a valid customer id') });

export const gdprExportSchema = z.object({
  fileName: z.string(),
  /** The ZIP file, base64: one customer's data is small enough to travel in one reply. */
  base64: z.string(),
  bytes: z.number().int(),
  counts: z.record(z.string(), z.number().int()),
});
export type GdprExport = z.infer<typeof gdprExportSchema>;

export const retentionRuleSchema = z.object({
  /** Erase customers without any change for this many years; null: no rule. */
  inactiveYears: z.number().int().min(1).max(100).nullable(),
});
export type RetentionRule = z.infer<typeof retentionRuleSchema>;

export const retentionReportSchema = z.object({
  inactiveYears: z.number().int().nullable(),
  cutoff: z.string().nullable(),
  applied: z.boolean(),
  candidates: z.array(z.object({ id: z.string(), name: z.string(), updatedAt: z.string() })),
  erased: z.number().int(),
});
export type RetentionReport = z.infer<typeof retentionReportSchema>;

export const keyStatusSchema = z.object({
  kekVersion: z.number().int(),
  kekCreatedAt: z.string(),
  masterId: z.string(),
  dataKeys: z.number().int(),
  keyStore: z.enum(['keychain', 'passphrase']),
});
export type KeyStatusView = z.infer<typeof keyStatusSchema>;

export const gdprContract = {
  'gdpr.export': procedure({
    summary: 'Everything held about one customer, as a ZIP of JSON and CSV files (right of access)',
    input: customerInput,
    output: gdprExportSchema,
    permission: 'gdpr.manage',
  }),
  'gdpr.erase': procedure({
    summary: "Erase a customer's personal data by deleting its key (right to erasure); figures and dates stay",
    input: customerInput,
    output: customerSchema,
    permission: 'gdpr.manage',
  }),
  'retention.get': procedure({
    summary: "The current company's retention rule",
    input: z.strictObject({}),
    output: retentionRuleSchema,
    permission: 'gdpr.manage',
  }),
  'retention.set': procedure({
    summary: "Set the current company's retention rule",
    input: z.strictObject({ inactiveYears: z.number().int().min(1).max(100).nullable() }),
    output: retentionRuleSchema,
    permission: 'gdpr.manage',
  }),
  'retention.run': procedure({
    summary: 'Show which customers the retention rule would erase; with apply, erase them',
    input: z.strictObject({ apply: z.boolean().default(false) }),
    output: retentionReportSchema,
    permission: 'gdpr.manage',
  }),
  'keys.status': procedure({
    summary: "The current company's encryption keys: KEK version, number of data keys",
    input: z.strictObject({}),
    output: keyStatusSchema,
    permission: 'settings.manage',
  }),
  'keys.rotate': procedure({
    summary: 'Make a new key-encryption key for the current company and re-wrap its data keys',
    input: z.strictObject({}),
    output: z.object({ kekVersion: z.number().int(), rewrapped: z.number().int() }),
    permission: 'settings.manage',
  }),
  'keys.exportBackup': procedure({
    summary: "Export this installation's keys as a file sealed with a passphrase",
    input: z.strictObject({
      /** Your own password again: the backup opens every company. */
      password: passwordSchema,
      passphrase: z.string().min(BACKUP_PASSPHRASE_MIN, `At least ${BACKUP_PASSPHRASE_MIN} characters`).max(1000),
    }),
    output: z.object({ fileName: z.string(), content: z.string(), names: z.array(z.string()) }),
    permission: 'installation.manage',
  }),
} as const;
