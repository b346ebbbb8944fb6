// Updates of the desktop app (src/core/updates): where they stand, a check now, a restart into a
// downloaded version. The updater belongs to the computer, not to a user or company, so these
// are answered on the desk itself, before sign-in too; a desk without one says so.
import { z } from 'zod';
import { procedure } from './procedure';

export const updateFailures = [
  'offline',
  'stalled',
  'server_error',
  'feed_missing',
  'feed_invalid',
  'file_missing',
  'checksum',
  /** Windows: the installer is not signed by the publisher the app expects. */
  'signature',
  'install_failed',
] as const;
export type UpdateFailure = (typeof updateFailures)[number];

export const updateStateSchema = z.discriminatedUnion('state', [
  /**
   * IT switched updates off, gave no update address, installed Kontor with the MSI (IT deploys
   * each version), or this is no desktop app (web host, CLI).
   */
  z.object({ state: z.literal('disabled'), why: z.enum(['by_it', 'no_address', 'msi', 'not_here']) }),
  z.object({ state: z.literal('idle') }),
  z.object({ state: z.literal('checking') }),
  z.object({ state: z.literal('up_to_date'), version: z.string(), checkedAt: z.string() }),
  /** A newer version exists but this installation is not in its staged rollout yet. */
  z.object({ state: z.literal('waiting'), version: z.string(), checkedAt: z.string() }),
  z.object({ state: z.literal('downloading'), version: z.string(), received: z.number(), total: z.number() }),
  /** Downloaded and verified: the user restarts when it suits them. */
  z.object({ state: z.literal('ready'), version: z.string() }),
  z.object({
    state: z.literal('failed'),
    reason: z.enum(updateFailures),
    /** Tried again at the next check by itself (offline, stalled); else it needs IT. */
    retryable: z.boolean(),
  }),
]);
export type UpdateState = z.infer<typeof updateStateSchema>;

const desk = { permission: 'anonymous', whileLocked: true, beforeAccountReady: true } as const;

export const updatesContract = {
  'updates.status': procedure({
    summary: 'Where the updates of this computer stand (checking, downloading, ready to restart, why not)',
    input: z.strictObject({}),
    output: updateStateSchema,
    ...desk,
    passive: true,
  }),
  'updates.check': procedure({
    summary: 'Look for an update now; one that is found downloads in the background',
    input: z.strictObject({}),
    output: updateStateSchema,
    ...desk,
  }),
  'updates.restart': procedure({
    summary: 'Restart into the downloaded update (refused while an import or other long work runs)',
    input: z.strictObject({}),
    output: z.object({ restarting: z.literal(true) }),
    ...desk,
  }),
};
