import { z } from 'zod';
import { procedure } from './procedure';

export const auditEntrySchema = z.object({
  seq: z.number().int().positive(),
  at: z.string(),
  actorId: z.string().nullable(),
  actor: z.string().nullable(),
  tenantId: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditListInputSchema = z.strictObject({
  action: z.string().trim().max(100).optional(),
  actor: z.string().trim().max(254).optional(),
  tenantId: z.string().max(100).optional(),
  /** Only these actions (the screen's search finds them by their translated names). */
  actions: z.array(z.string().max(100)).max(200).optional(),
  /** From this moment on (inclusive), and before this one. */
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  /** The next page: entries older than this one. */
  beforeSeq: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
export type AuditListInput = z.output<typeof auditListInputSchema>;

export const auditVerifyResultSchema = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  firstBroken: z.object({ seq: z.number().int(), problem: z.string() }).nullable(),
});
export type AuditVerifyResult = z.infer<typeof auditVerifyResultSchema>;

export const auditContract = {
  'audit.list': procedure({
    summary:
      "List the security audit log, newest first, filtered (the current company's entries; every entry for an installation administrator)",
    input: auditListInputSchema,
    output: z.object({ items: z.array(auditEntrySchema), total: z.number().int() }),
    permission: 'audit.read',
  }),
  'audit.verify': procedure({
    summary: 'Check the hash chain of the audit log and name the first broken link',
    input: z.strictObject({}),
    output: auditVerifyResultSchema,
    permission: 'installation.manage',
  }),
} as const;
