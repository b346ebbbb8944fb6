// The app itself: whether its data is open (unlock, key import), what it runs on, round trips.
import { z } from 'zod';
import { machineStateSchema } from '../machine-config';
import { procedure } from './procedure';

/** Where a desk keeps its keys (its choice at setup). */
export const keyStoreKinds = ['keychain', 'passphrase'] as const;
export type KeyStoreKind = (typeof keyStoreKinds)[number];
/** Where an installation's keys are: a desk's choice, or the Kontor server's database (under a master key). */
export const keyStoreLocations = [...keyStoreKinds, 'database'] as const;
export type KeyStoreLocation = (typeof keyStoreLocations)[number];

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

export const appContract = {
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
  'app.machine': procedure({
    summary:
      'The machine-wide configuration IT set for this computer, which settings it locks, and what is wrong with it',
    input: z.strictObject({}),
    output: machineStateSchema,
    permission: 'anonymous',
    whileLocked: true,
    beforeAccountReady: true,
    passive: true,
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
      keyStore: z.enum(keyStoreLocations),
    }),
    permission: 'authenticated',
  }),
} as const;
