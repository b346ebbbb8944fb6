// Keys of the installation and its companies: status, rotation, the sealed key backup.
import { z } from 'zod';
import { passwordSchema } from './auth';
import { keyStoreLocations } from './app';
import { procedure } from './procedure';

export const BACKUP_PASSPHRASE_MIN = 12;

export const keyStatusSchema = z.object({
  kekVersion: z.number().int(),
  kekCreatedAt: z.string(),
  masterId: z.string(),
  dataKeys: z.number().int(),
  keyStore: z.enum(keyStoreLocations),
});
export type KeyStatusView = z.infer<typeof keyStatusSchema>;

export const keysContract = {
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
