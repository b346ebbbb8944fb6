// A customer's events as people read them: who (by name), when, on which device, and what
// changed, decrypted (or the erasure marker). The history screen and the GDPR export share it.
import type { Keyring } from '../crypto/keyring';
import type { EventStore } from '../events/event-store';
import { upcast } from '../events/event-types';
import {
  customerAbsorbed,
  customerCreated,
  customerStream,
  customerSubject,
  readableChanges,
} from './customers.events';

/** A type, not an interface: it goes into CSV rows (records of unknown values) as it is. */
export type HistoryEntry = {
  readonly position: number;
  readonly version: number;
  readonly type: string;
  readonly at: string;
  readonly userId: string | null;
  readonly userName: string | null;
  readonly deviceId: string;
  readonly changes: Record<string, unknown>;
  /** For each changed field, its value before this event: the history shows old → new. */
  readonly before: Record<string, unknown>;
  /** The number of the customer merged into this one whose event this is (null: this customer's own). */
  readonly mergedFrom: string | null;
};

/**
 * The customer's events, and those of every customer merged into it (marked with that customer's
 * number), in the order they happened.
 */
export async function customerHistory(
  id: string,
  deps: { events: EventStore; keyring: Keyring; userName: (userId: string) => Promise<string | null> },
  mergedFrom: string | null = null,
): Promise<HistoryEntry[]> {
  const stream = await deps.events.readStream(customerStream(id));
  const key = await deps.keyring.dataKey(customerSubject(id));
  const names = new Map<string, string | null>();
  for (const userId of new Set(stream.map((e) => e.meta.userId))) {
    if (userId) names.set(userId, await deps.userName(userId));
  }
  // Folded in order: each entry knows what its fields held before it.
  let current: Record<string, unknown> = {};
  const own = stream.map((e): HistoryEntry => {
    const changes = readableChanges(e, key);
    const before =
      e.type === customerCreated.type
        ? {}
        : Object.fromEntries(Object.keys(changes).map((field) => [field, current[field] ?? null]));
    current = { ...current, ...changes };
    return {
      position: e.position,
      version: e.version,
      type: e.type,
      at: e.meta.at,
      userId: e.meta.userId,
      userName: e.meta.userId ? (names.get(e.meta.userId) ?? null) : null,
      deviceId: e.meta.deviceId,
      changes,
      before,
      mergedFrom,
    };
  });
  const absorbed = stream.filter((e) => e.type === customerAbsorbed.type);
  if (absorbed.length === 0) return own;
  const merged: HistoryEntry[] = [];
  for (const e of absorbed) {
    const { from, number } = upcast(customerAbsorbed, e.schemaVersion, e.data);
    merged.push(...(await customerHistory(from, deps, number)));
  }
  return [...own, ...merged].sort((a, b) => a.position - b.position);
}
