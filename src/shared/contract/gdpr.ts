import { z } from 'zod';
import { customerSchema } from './customers';
import { procedure } from './procedure';

/** Like the passphrase key store's: long enough that argon2id makes guessing it hopeless. */

const customerInput = z.strictObject({ customerId: z.uuid('Not a valid customer id') });
/** CSV as the reader's spreadsheet expects it: German Excel splits on `;`, English on `,`. */
export const csvStyles = ['comma', 'semicolon'] as const;
const exportInput = customerInput.extend({ csv: z.enum(csvStyles).default('comma') });

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

export const gdprContract = {
  'gdpr.export': procedure({
    summary: 'Everything held about one customer, as a ZIP of JSON and CSV files (right of access)',
    input: exportInput,
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
} as const;
