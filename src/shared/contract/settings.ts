// The installation's settings that must be known before a database opens.
import { z } from 'zod';
import { procedure } from './procedure';

/** https, or plain http to a server on this computer (a development or test server). */
export const HTTPS_OR_LOOPBACK = /^(https:\/\/\S+|http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/\S*)?)$/;

/** Where a desk reaches the Kontor server: https, or plain http to a server on this computer. */
export const kontorServerSchema = z.strictObject({
  url: z
    .string()
    .trim()
    .max(2000)
    .refine((url) => HTTPS_OR_LOOPBACK.test(url), 'Must be an https:// address'),
  /** The company CA's certificate (PEM), when the server's certificate comes from it. */
  ca: z
    .string()
    .trim()
    .max(20_000)
    .regex(/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/, 'Must be a certificate in PEM form')
    .optional(),
  /** The SHA-256 fingerprint of the server's certificate, trusted on its own (a self-signed one). */
  fingerprint: z
    .string()
    .trim()
    .regex(/^([0-9a-fA-F]{2}:?){31}[0-9a-fA-F]{2}$/, 'Must be a SHA-256 fingerprint (64 hex digits)')
    .optional(),
});
export type KontorServer = z.infer<typeof kontorServerSchema>;

export const databaseChoiceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('sqlite') }),
  z.strictObject({
    kind: z.literal('postgres'),
    url: z
      .string()
      .trim()
      .regex(/^postgres(ql)?:\/\/\S+$/, 'Must be a postgres:// or postgresql:// URL'),
  }),
  kontorServerSchema.extend({ kind: z.literal('server') }),
]);
export type DatabaseChoice = z.infer<typeof databaseChoiceSchema>;

const databaseSettingsSchema = z.object({
  /** What this process runs on now. */
  active: z.enum(['sqlite', 'postgres', 'server']),
  /** What the settings file says; applies after a restart. Passwords in URLs are masked. */
  configured: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('sqlite') }),
    z.object({ kind: z.literal('postgres'), url: z.string() }),
    z.object({ kind: z.literal('server'), url: z.string(), ca: z.boolean(), fingerprint: z.string().nullable() }),
  ]),
  restartRequired: z.boolean(),
});
export type DatabaseSettings = z.infer<typeof databaseSettingsSchema>;

export const serverCheckSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), ready: z.boolean(), fingerprint: z.string().nullable() }),
  z.object({ ok: z.literal(false), reason: z.string(), message: z.string() }),
]);

export const settingsContract = {
  'settings.getDatabase': procedure({
    summary: 'Which database this installation uses',
    input: z.strictObject({}),
    output: databaseSettingsSchema,
    permission: 'installation.manage',
  }),
  'settings.testServer': procedure({
    summary: 'Whether this computer reaches a Kontor server at an address, and whether it is ready',
    input: kontorServerSchema,
    output: serverCheckSchema,
    permission: 'installation.manage',
  }),
  'settings.setDatabase': procedure({
    summary:
      'Choose the local encrypted database, a Kontor server, or a Postgres server directly (applies after a restart)',
    input: databaseChoiceSchema,
    output: databaseSettingsSchema,
    permission: 'installation.manage',
  }),
} as const;
