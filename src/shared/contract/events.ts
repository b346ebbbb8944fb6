import { z } from 'zod';
import { procedure } from './procedure';

/** Who made an event, where and when; recorded with every event. */
export const eventMetaSchema = z.object({
  userId: z.string().nullable(),
  deviceId: z.string(),
  /** Hybrid logical clock: orders events across devices. */
  hlc: z.string(),
  correlationId: z.string(),
  causationId: z.string().nullable(),
  at: z.string(),
});
export type EventMeta = z.infer<typeof eventMetaSchema>;

export const eventSchema = z.object({
  position: z.number().int(),
  id: z.string(),
  stream: z.string(),
  version: z.number().int(),
  type: z.string(),
  schemaVersion: z.number().int(),
  data: z.unknown(),
  meta: eventMetaSchema,
});
export type EventView = z.infer<typeof eventSchema>;

export const eventsContract = {
  'events.list': procedure({
    summary: "List the current company's events, oldest first, optionally of one stream",
    input: z.strictObject({
      stream: z.string().trim().min(1).max(200).optional(),
      afterPosition: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(100),
    }),
    output: z.array(eventSchema),
    permission: 'audit.read',
  }),
  'events.replay': procedure({
    summary: 'Drop and rebuild every projection of the current company from its event log',
    input: z.strictObject({}),
    output: z.object({ events: z.number().int(), milliseconds: z.number().int() }),
    permission: 'settings.manage',
  }),
} as const;
