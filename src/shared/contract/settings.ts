// The installation's settings that must be known before a database opens.
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
export type DatabaseSettings = z.infer<typeof databaseSettingsSchema>;

export const settingsContract = {
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
} as const;
