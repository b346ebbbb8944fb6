// The events of an activity's stream (`activity-<id>`), and how the activities projection follows
// them. Subject and body are the customer's personal data: sealed with the customer's data key
// (`customer:<id>`), so erasing the customer leaves its activities without text. Every event that
// seals something names the customer, so replay knows which key opens it.
import { z } from 'zod';
import { activityKinds, ERASURE_MARKER, type ActivityKind } from '../../shared/contract';
import { sealJson, type DataKey, type Keyring } from '../crypto/keyring';
import type { Executor } from '../db/executor';
import type { NewEvent, StoredEvent } from '../events/event-store';
import { defineEvent, upcast } from '../events/event-types';
import { eventAad, openAndRead, type ParsedEvent } from '../events/stream-records';
import { customerSubject } from '../customers/customers.events';

export const contentSchema = z.object({ subject: z.string(), body: z.string().nullable() });
export type ActivityContent = z.infer<typeof contentSchema>;
const contentChangesSchema = contentSchema.partial();
export type ActivityContentChanges = z.infer<typeof contentChangesSchema>;

const plainSchema = z.object({
  occurredAt: z.string(),
  dueDate: z.string().nullable(),
  assigneeId: z.string().nullable(),
});
export type ActivityPlain = z.infer<typeof plainSchema>;

export const activityLogged = defineEvent(
  'activity.logged',
  1,
  plainSchema.extend({ customerId: z.string(), kind: z.enum(activityKinds), content: z.string() }),
);
export const activityChanged = defineEvent(
  'activity.changed',
  1,
  plainSchema.partial().extend({ customerId: z.string(), content: z.string().optional() }),
);
export const activityDone = defineEvent('activity.done', 1, z.object({}));
export const activityReopened = defineEvent('activity.reopened', 1, z.object({}));
export const activityRemoved = defineEvent('activity.removed', 1, z.object({}));
/** Now on another customer's timeline (its customer was merged into that one). */
export const activityMoved = defineEvent('activity.moved', 1, z.object({ customerId: z.string() }));

export const activityStream = (id: string) => `activity-${id}`;
export const activityIdOf = (stream: string) => stream.slice('activity-'.length);

export interface ActivityRecord extends ActivityPlain {
  readonly id: string;
  readonly customerId: string;
  readonly kind: ActivityKind;
  /** Null once the customer's key is gone (erased). */
  readonly content: ActivityContent | null;
  readonly doneAt: string | null;
  readonly createdBy: string | null;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type ActivityFact =
  | {
      readonly kind: 'logged';
      readonly customerId: string;
      readonly activity: ActivityKind;
      readonly plain: ActivityPlain;
      readonly content: ActivityContent | null;
    }
  | {
      readonly kind: 'changed';
      readonly plain: Partial<ActivityPlain>;
      readonly content: ActivityContentChanges | null;
    }
  | { readonly kind: 'done' }
  | { readonly kind: 'reopened' }
  | { readonly kind: 'moved'; readonly customerId: string }
  | { readonly kind: 'removed' };

const sealFor = (key: DataKey, id: string, type: string, version: number, value: unknown) =>
  sealJson(key, eventAad(key.tenantId, activityStream(id), type, version), value);

export function logged(
  key: DataKey,
  id: string,
  customerId: string,
  kind: ActivityKind,
  plain: ActivityPlain,
  content: ActivityContent,
): NewEvent {
  const { type, version } = activityLogged;
  return {
    type,
    schemaVersion: version,
    data: { customerId, kind, ...plain, content: sealFor(key, id, type, version, content) },
  };
}

export function changedActivity(
  key: DataKey | null,
  id: string,
  customerId: string,
  plain: Partial<ActivityPlain>,
  content: ActivityContentChanges,
): NewEvent {
  const { type, version } = activityChanged;
  const seals = Object.keys(content).length > 0;
  if (seals && !key) throw new Error('an activity change without the customer key');
  return {
    type,
    schemaVersion: version,
    data: { customerId, ...plain, ...(seals && key && { content: sealFor(key, id, type, version, content) }) },
  };
}

export const done = (): NewEvent => ({ type: activityDone.type, schemaVersion: 1, data: {} });
export const reopened = (): NewEvent => ({ type: activityReopened.type, schemaVersion: 1, data: {} });
export const movedActivity = (customerId: string): NewEvent => ({
  type: activityMoved.type,
  schemaVersion: activityMoved.version,
  data: { customerId },
});
export const removedActivity = (): NewEvent => ({ type: activityRemoved.type, schemaVersion: 1, data: {} });

function parse(event: StoredEvent, tenantId: string): ParsedEvent<ActivityFact> {
  const aad = eventAad(tenantId, event.stream, event.type, event.schemaVersion);
  switch (event.type) {
    case activityLogged.type: {
      const { customerId, kind, content, ...plain } = upcast(activityLogged, event.schemaVersion, event.data);
      return {
        toOpen: { subject: customerSubject(customerId), aad, sealed: content },
        read: (opened: unknown): ActivityFact => ({
          kind: 'logged',
          customerId,
          activity: kind,
          plain,
          content: opened === null ? null : contentSchema.parse(opened),
        }),
      };
    }
    case activityChanged.type: {
      const { customerId, content, ...plain } = upcast(activityChanged, event.schemaVersion, event.data);
      return {
        toOpen: content === undefined ? null : { subject: customerSubject(customerId), aad, sealed: content },
        read: (opened: unknown): ActivityFact => ({
          kind: 'changed',
          plain,
          content: content === undefined ? {} : opened === null ? null : contentChangesSchema.parse(opened),
        }),
      };
    }
    case activityDone.type:
      return { toOpen: null, read: (): ActivityFact => ({ kind: 'done' }) };
    case activityReopened.type:
      return { toOpen: null, read: (): ActivityFact => ({ kind: 'reopened' }) };
    case activityMoved.type: {
      const { customerId } = upcast(activityMoved, event.schemaVersion, event.data);
      return { toOpen: null, read: (): ActivityFact => ({ kind: 'moved', customerId }) };
    }
    case activityRemoved.type:
      return { toOpen: null, read: (): ActivityFact => ({ kind: 'removed' }) };
    default:
      throw new Error(`${event.stream}: unknown event type ${event.type}`);
  }
}

/** What a page of events says, opened in one batch on the crypto pool (replay, the event list). */
export function decodeActivities(
  events: readonly StoredEvent[],
  keyring: Keyring,
  tx?: Executor,
): Promise<ActivityFact[]> {
  return openAndRead(
    events.map((event) => parse(event, keyring.tenantId)),
    keyring,
    tx,
  );
}

/** What the event does to the activity's row (null: no row). The same code serves commands and replay. */
export function nextActivity(
  current: ActivityRecord | null,
  event: StoredEvent,
  fact: ActivityFact,
): ActivityRecord | null {
  const at = event.meta.at;
  if (fact.kind === 'logged') {
    return {
      id: activityIdOf(event.stream),
      customerId: fact.customerId,
      kind: fact.activity,
      ...fact.plain,
      content: fact.content,
      doneAt: null,
      createdBy: event.meta.userId,
      version: event.version,
      createdAt: at,
      updatedAt: at,
    };
  }
  if (!current) throw new Error(`${event.stream}: ${event.type} before the activity was logged`);
  const moved = { version: event.version, updatedAt: at };
  switch (fact.kind) {
    case 'removed':
      return null;
    case 'moved':
      return { ...current, customerId: fact.customerId, ...moved };
    case 'done':
      return { ...current, doneAt: at, ...moved };
    case 'reopened':
      return { ...current, doneAt: null, ...moved };
    case 'changed':
      return {
        ...current,
        ...fact.plain,
        content: current.content && fact.content ? { ...current.content, ...fact.content } : null,
        ...moved,
      };
  }
}

/** The fields an event set, for readers of the log; text of an erased customer reads as the marker. */
export function readableActivityChanges(fact: ActivityFact): Record<string, unknown> {
  const text = (content: object | null) => content ?? { content: ERASURE_MARKER };
  switch (fact.kind) {
    case 'logged':
      return { customerId: fact.customerId, kind: fact.activity, ...fact.plain, ...text(fact.content) };
    case 'changed':
      return { ...fact.plain, ...text(fact.content) };
    case 'moved':
      return { customerId: fact.customerId };
    case 'done':
    case 'reopened':
    case 'removed':
      return {};
  }
}
