// What IT asks for when something goes wrong, and what the About dialog shows: answered on the
// desk itself (before sign-in too, and in server mode), like the updates.
import { z } from 'zod';
import { updateChannels } from '../machine-config';
import { procedure } from './procedure';

const desk = { permission: 'anonymous', whileLocked: true, beforeAccountReady: true } as const;

export const aboutSchema = z.object({
  version: z.string(),
  channel: z.enum(updateChannels),
  platform: z.string(),
  arch: z.string(),
  versions: z.object({ electron: z.string().nullable(), chrome: z.string().nullable(), node: z.string() }),
});
export type About = z.infer<typeof aboutSchema>;

export const licencesSchema = z.object({
  packages: z.array(
    z.object({ name: z.string(), version: z.string(), license: z.string().nullable(), textId: z.string().nullable() }),
  ),
  texts: z.record(z.string(), z.string()),
});
export type Licences = z.infer<typeof licencesSchema>;

export const supportContract = {
  'app.about': procedure({
    summary: 'The version of Kontor, its update channel and what it runs on',
    input: z.strictObject({}),
    output: aboutSchema,
    ...desk,
    passive: true,
  }),
  'app.licences': procedure({
    summary: 'The open-source packages Kontor ships and their licences',
    input: z.strictObject({}),
    output: licencesSchema,
    ...desk,
    passive: true,
  }),
  'support.bundle': procedure({
    summary:
      'A zip for IT: the logs, versions, settings and machine configuration without secrets, and the last errors',
    input: z.strictObject({}),
    output: z.object({ fileName: z.string(), content: z.string(), size: z.number().int() }),
    ...desk,
  }),
};
