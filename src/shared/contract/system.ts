import { z } from 'zod';
import { procedure } from './procedure';

export const databaseChoiceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('sqlite') }),
  z.strictObject({
    kind: z.literal('postgres'),
    url: z
      .string()
      .trim()
      .regex(/^postgres(ql)?:\/\/\S+$/, 'Must be a postgres:// or postgresql:// URL'),
  }),
]);
export type DatabaseChoice = z.infer<typeof databaseChoiceSchema>;

export const keyStoreKinds = ['keychain', 'passphrase'] as const;
export type KeyStoreKind = (typeof keyStoreKinds)[number];

export const tenantSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  createdAt: z.iso.datetime(),
  archivedAt: z.string().nullable(),
});
export type Tenant = z.infer<typeof tenantSchema>;

export const tenantNameSchema = z
  .string()
  .trim()
  .min(1, 'Name is required')
  .max(100)
  .regex(/^[^\p{Cc}]+$/u, 'No control characters');

const databaseSettingsSchema = z.object({
  /** What this process runs on now. */
  active: z.enum(['sqlite', 'postgres']),
  /** What the settings file says; applies after a restart. Passwords in URLs are masked. */
  configured: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('sqlite') }),
    z.object({ kind: z.literal('postgres'), url: z.string() }),
  ]),
  restartRequired: z.boolean(),
});

export const appStatusSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('ready') }),
  z.object({
    state: z.literal('locked'),
    /** Why the data cannot be opened yet, in words for people. */
    reason: z.string(),
    /** The passphrase store can open the data: with the passphrase, or by creating a new store. */
    canUsePassphrase: z.boolean(),
    /** No key file exists yet: the passphrase entered now becomes the master passphrase. */
    firstRun: z.boolean(),
  }),
]);
export type AppStatus = z.infer<typeof appStatusSchema>;

export const systemContract = {
  'app.status': procedure({
    summary: 'Whether the data is open, or what is needed to open it',
    input: z.strictObject({}),
    output: appStatusSchema,
    permission: 'anonymous',
    whileLocked: true,
    beforeAccountReady: true,
    passive: true,
  }),
  'app.unlock': procedure({
    summary: 'Open the data with the master passphrase (passphrase key store)',
    input: z.strictObject({ passphrase: z.string().min(12, 'At least 12 characters').max(1024) }),
    output: appStatusSchema,
    permission: 'anonymous',
    whileLocked: true,
    beforeAccountReady: true,
  }),
  'app.importKeys': procedure({
    summary: "Put the keys of a key backup into this machine's key store, then open the data (new machine)",
    input: z.strictObject({
      /** The backup file's text. */
      backup: z.string().min(1, 'Choose the key backup file').max(1_000_000),
      passphrase: z.string().min(12, 'At least 12 characters').max(1024),
      /** With the passphrase key store: its master passphrase (the keychain needs none). */
      masterPassphrase: z.string().min(12, 'At least 12 characters').max(1024).optional(),
      /** Overwrite keys a start without the backup made (they hold no data). */
      replace: z.boolean().default(false),
    }),
    output: appStatusSchema,
    permission: 'anonymous',
    whileLocked: true,
    beforeAccountReady: true,
  }),
  'system.ping': procedure({
    summary: 'Does nothing; measures the round trip',
    input: z.strictObject({}),
    output: z.object({ pong: z.literal(true) }),
    permission: 'anonymous',
  }),
  'system.check': procedure({
    summary: 'Does nothing but check the session and a permission (customers.read); for monitoring',
    input: z.strictObject({}),
    output: z.object({ pong: z.literal(true) }),
    permission: 'customers.read',
  }),
  'app.info': procedure({
    summary: 'What this installation runs on and who is signed in',
    input: z.strictObject({}),
    output: z.object({
      version: z.string(),
      database: z.enum(['sqlite', 'postgres']),
      keyStore: z.enum(keyStoreKinds),
    }),
    permission: 'authenticated',
  }),
  'settings.getDatabase': procedure({
    summary: 'Which database this installation uses',
    input: z.strictObject({}),
    output: databaseSettingsSchema,
    permission: 'installation.manage',
  }),
  'settings.setDatabase': procedure({
    summary: 'Choose the local encrypted database or a Postgres server (applies after a restart)',
    input: databaseChoiceSchema,
    output: databaseSettingsSchema,
    permission: 'installation.manage',
  }),
  'tenants.setup': procedure({
    summary: 'Create a company with its own store; does nothing if it exists',
    input: z.strictObject({ name: tenantNameSchema }),
    output: tenantSchema,
    permission: 'installation.manage',
  }),
  'tenants.rename': procedure({
    summary: 'Rename a company you administer',
    input: z.strictObject({ id: z.uuid('Not a valid company id'), name: tenantNameSchema }),
    output: tenantSchema,
    permission: 'tenants.manage',
  }),
  'tenants.archive': procedure({
    summary: 'Archive a company (its data stays; it leaves every company list) or bring it back',
    input: z.strictObject({ id: z.uuid('Not a valid company id'), archived: z.boolean() }),
    output: tenantSchema,
    permission: 'tenants.manage',
  }),
  'tenants.list': procedure({
    summary: 'List the companies you administer (an installation administrator: every company)',
    input: z.strictObject({}),
    output: z.array(tenantSchema),
    permission: 'tenants.manage',
  }),
} as const;
