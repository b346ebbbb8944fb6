import { z } from 'zod';
import { emailSchema } from './auth';
import { procedure } from './procedure';

export const smtpSecurities = ['starttls', 'tls', 'none'] as const;

export const smtpSettingsSchema = z.object({
  host: z.string(),
  port: z.number().int(),
  security: z.enum(smtpSecurities),
  user: z.string(),
  /** The password itself never leaves the main process. */
  hasPassword: z.boolean(),
  from: z.string(),
  allowSelfSigned: z.boolean(),
  configured: z.boolean(),
});
export type SmtpSettings = z.infer<typeof smtpSettingsSchema>;

export const smtpSettingsInputSchema = z.strictObject({
  host: z
    .string()
    .trim()
    .min(1, 'Host is required')
    .max(253)
    .regex(/^[A-Za-z0-9.-]+$|^\[[0-9a-fA-F:.]+\]$/, 'A host name or IP address'),
  port: z.number().int().min(1).max(65535),
  security: z.enum(smtpSecurities),
  user: z.string().trim().max(254).default(''),
  /** Omitted: keep the stored password; empty: remove it. */
  password: z.string().max(1024).optional(),
  from: emailSchema,
  allowSelfSigned: z.boolean().default(false),
});

export const outboxItemSchema = z.object({
  id: z.string(),
  to: z.string(),
  subject: z.string(),
  status: z.enum(['pending', 'sent', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: z.string(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});
export type OutboxItem = z.infer<typeof outboxItemSchema>;

export const mailContract = {
  'mail.getSettings': procedure({
    summary: 'The SMTP server Kontor sends mail through',
    input: z.strictObject({}),
    output: smtpSettingsSchema,
    permission: 'installation.manage',
  }),
  'mail.setSettings': procedure({
    summary: 'Set the SMTP server (the password is stored encrypted)',
    input: smtpSettingsInputSchema,
    output: smtpSettingsSchema,
    permission: 'installation.manage',
  }),
  'mail.sendTest': procedure({
    summary: 'Send a test email now and say whether the server took it',
    input: z.strictObject({ to: emailSchema }),
    output: z.object({ sent: z.boolean(), error: z.string().nullable() }),
    permission: 'installation.manage',
  }),
  'mail.outbox': procedure({
    summary: 'Mail waiting, sent and failed',
    input: z.strictObject({
      status: z.enum(['pending', 'sent', 'failed']).optional(),
      limit: z.number().int().min(1).max(500).default(100),
    }),
    output: z.array(outboxItemSchema),
    permission: 'installation.manage',
  }),
  'mail.retry': procedure({
    summary: 'Try a failed message again now',
    input: z.strictObject({ id: z.string().min(1).max(100) }),
    output: outboxItemSchema,
    permission: 'installation.manage',
  }),
  'mail.remove': procedure({
    summary: 'Remove a message that failed or waits from the outbox; it will not be sent',
    input: z.strictObject({ id: z.string().min(1).max(100) }),
    output: z.object({ removed: z.literal(true) }),
    permission: 'installation.manage',
  }),
} as const;
