// Rebuilds a tenant's projections from its event log. All in one transaction: a crash or a cancel
// leaves the old tables as they were; progress is reported per page of events.
import { throwIfCancelled } from '../../shared/errors';
import type { Executor } from '../db/executor';
import { yieldToEventLoop } from '../yield';
import type { EventStore, StoredEvent } from './event-store';

export interface Projection {
  /** Event types this projection follows, by prefix (`customer.`). */
  readonly prefix: string;
  clear(tx: Executor): Promise<void>;
  /** Applies a page of events in log order (a projection may fold several events into one write). */
  applyPage(events: readonly StoredEvent[], tx: Executor): Promise<void>;
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

export async function replay({
  db,
  events,
  projections,
  onProgress,
  signal,
  pageSize = 1000,
}: ReplayOptions): Promise<number> {
  return db.transaction(async (tx) => {
    for (const projection of projections) await projection.clear(tx);
    let after = 0;
    let done = 0;
    for (;;) {
      throwIfCancelled(signal, 'replay cancelled; nothing was changed');
      const page = await events.readAll(after, pageSize, tx);
      if (page.length === 0) return done;
      for (const event of page) {
        if (!projections.some((p) => event.type.startsWith(p.prefix))) {
          throw new Error(`no projection for event type ${event.type} (position ${event.position})`);
        }
      }
      for (const projection of projections) {
        const mine = page.filter((e) => e.type.startsWith(projection.prefix));
        if (mine.length > 0) await projection.applyPage(mine, tx);
      }
      done += page.length;
      after = page.at(-1)?.position ?? after;
      onProgress?.(done);
      // SQLite answers synchronously: let progress go out and a cancel come in between pages.
      await yieldToEventLoop();
    }
  });
}
