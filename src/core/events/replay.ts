// Rebuilds a tenant's projections from its event log. All in one transaction: a crash or a cancel
// leaves the old tables as they were; progress is reported per page of events.
//
// Pages are pipelined: while page N is written, page N+1 is already read and being decrypted on
// the crypto pool's threads (Projection.prepare), so the main thread never waits for cryptography.
import { throwIfCancelled } from '../../shared/errors';
import { withoutIndexesOf, type Executor } from '../db/executor';
import { yieldToEventLoop } from '../yield';
import type { EventStore, StoredEvent } from './event-store';

/** Writes a prepared page into the projection. */
export type PageWrite = (tx: Executor) => Promise<void>;

export interface Projection {
  /** Event types this projection follows, by prefix (`customer.`). */
  readonly prefix: string;
  /** The tables it rebuilds: their secondary indexes are built once, after the rows. */
  readonly tables: readonly string[];
  clear(tx: Executor): Promise<void>;
  /**
   * Starts on a page of events in log order: reads and decrypts what the page needs, resolving
   * with its write (a projection may fold several events into one write). It may run while the
   * previous page is being written, so it must not read the projection itself; the write may.
   */
  prepare(events: readonly StoredEvent[], tx: Executor): Promise<PageWrite>;
  /**
   * Runs the replay's pages (`run`) and may build, after them, what is cheaper to build once from
   * the finished rows than page by page (the customers' search words).
   */
  readonly around?: <T>(tx: Executor, run: () => Promise<T>, signal?: AbortSignal) => Promise<T>;
}

export interface ReplayOptions {
  readonly db: Executor;
  readonly events: EventStore;
  readonly projections: readonly Projection[];
  readonly total?: number;
  readonly onProgress?: (done: number) => void;
  readonly signal?: AbortSignal;
  readonly pageSize?: number;
}

/** Every projection's write for one page, started. */
function start(page: readonly StoredEvent[], projections: readonly Projection[], tx: Executor) {
  for (const event of page) {
    if (!projections.some((p) => event.type.startsWith(p.prefix))) {
      throw new Error(`no projection for event type ${event.type} (position ${event.position})`);
    }
  }
  const writes = Promise.all(
    projections.flatMap((projection) => {
      const mine = page.filter((e) => e.type.startsWith(projection.prefix));
      return mine.length > 0 ? [projection.prepare(mine, tx)] : [];
    }),
  );
  // Awaited below; until then a failure must not count as unhandled.
  writes.catch(() => undefined);
  return writes;
}

export async function replay({
  db,
  events,
  projections,
  onProgress,
  signal,
  pageSize = 1000,
}: ReplayOptions): Promise<number> {
  return db.transaction((tx) =>
    tx.withBulkMemory(async () => {
      for (const projection of projections) await projection.clear(tx);
      // The projections' own bulk work (the customers' search words) runs around the pages; each
      // table's indexes are dropped inside the transaction and built again before it commits.
      const pages = projections.reduce<() => Promise<number>>(
        (inner, { around }) => (around ? () => around(tx, inner, signal) : inner),
        () => rebuild(tx),
      );
      return withoutIndexesOf(
        tx,
        projections.flatMap((p) => p.tables),
        pages,
      );
    }),
  );

  async function rebuild(tx: Executor): Promise<number> {
    let page = await events.readAll(0, pageSize, tx);
    let prepared = start(page, projections, tx);
    let done = 0;
    while (page.length > 0) {
      throwIfCancelled(signal, 'replay cancelled; nothing was changed');
      const after = page.at(-1)?.position ?? 0;
      const next = await events.readAll(after, pageSize, tx);
      const nextPrepared = next.length > 0 ? start(next, projections, tx) : null;
      for (const write of await prepared) await write(tx);
      done += page.length;
      onProgress?.(done);
      // SQLite answers synchronously: let progress go out and a cancel come in between pages.
      await yieldToEventLoop();
      page = next;
      prepared = nextPrepared ?? Promise.resolve([]);
    }
    return done;
  }
}
