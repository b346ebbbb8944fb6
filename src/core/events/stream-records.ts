// Helpers of projections that keep one row per stream (contacts, activities): the binding of a
// sealed payload to its event, and replay's fold of a page onto the stored rows.
import type { Keyring } from '../crypto/keyring';
import type { Executor } from '../db/executor';
import type { StoredEvent } from './event-store';

/** What a sealed event payload is bound to: company, stream, event type and schema version. */
export function eventAad(tenantId: string, stream: string, type: string, schemaVersion: number): string {
  return JSON.stringify(['kontor:event', tenantId, stream, type, schemaVersion]);
}

export interface StreamRows<R, F> {
  /** The id of the row a stream keeps (the stream name without its prefix). */
  readonly idOf: (stream: string) => string;
  /** Whether the event starts its stream (no stored row to continue from). */
  readonly starts: (event: StoredEvent) => boolean;
  readonly load: (ids: readonly string[], tx: Executor) => Promise<Map<string, R>>;
  readonly next: (current: R | null, event: StoredEvent, fact: F) => R | null;
  /** Writes the rows of `ids`: `records` replace them, ids without a record are removed. */
  readonly write: (ids: readonly string[], records: readonly R[], tx: Executor) => Promise<void>;
}

/** Replay: folds each stream's events of a page in order and writes every row once. */
export async function foldStreams<R, F>(
  events: readonly StoredEvent[],
  facts: readonly F[],
  rows: StreamRows<R, F>,
  tx: Executor,
): Promise<void> {
  const byStream = new Map<string, number[]>();
  events.forEach((event, i) => {
    const list = byStream.get(event.stream);
    if (list) list.push(i);
    else byStream.set(event.stream, [i]);
  });
  const continued = [...byStream]
    .filter(([, at]) => !rows.starts(events[at[0] ?? 0] as StoredEvent))
    .map(([stream]) => rows.idOf(stream));
  const stored = continued.length > 0 ? await rows.load(continued, tx) : new Map<string, R>();
  const records: R[] = [];
  for (const [stream, at] of byStream) {
    const id = rows.idOf(stream);
    let record: R | null = stored.get(id) ?? null;
    for (const i of at) record = rows.next(record, events[i] as StoredEvent, facts[i] as F);
    if (record !== null) records.push(record);
  }
  await rows.write(
    [...byStream.keys()].map((stream) => rows.idOf(stream)),
    records,
    tx,
  );
}

/** An event, parsed: the sealed payload it holds (if any) and how to read it once opened. */
export interface ParsedEvent<F> {
  readonly toOpen: { readonly subject: string; readonly aad: string; readonly sealed: string } | null;
  /** `opened` is the opened payload, null when the subject's key is gone, undefined when nothing was sealed. */
  readonly read: (opened: unknown) => F;
}

/**
 * Opens the sealed payloads of a page of parsed events in one batch on the crypto pool (the calling
 * thread is free meanwhile) and reads each event; a payload whose key is gone reads as null.
 */
export async function openAndRead<F>(parsed: readonly ParsedEvent<F>[], keyring: Keyring, tx?: Executor): Promise<F[]> {
  const at: number[] = [];
  const requests: { subject: string; aad: string; sealed: string }[] = [];
  parsed.forEach(({ toOpen }, i) => {
    if (!toOpen) return;
    at.push(i);
    requests.push(toOpen);
  });
  const opened = requests.length > 0 ? await keyring.openMany(requests, tx) : [];
  const values: unknown[] = new Array(parsed.length).fill(undefined);
  at.forEach((i, n) => (values[i] = opened[n] ?? null));
  return parsed.map(({ read }, i) => read(values[i]));
}
