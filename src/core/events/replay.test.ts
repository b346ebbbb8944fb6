// The replay pipeline on every dialect, over many small pages: the next page is read and prepared
// while one is written, in log order; progress per page; a cancel or a failing page in the middle
// changes nothing.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestKontor, testDialects, type TestKontor } from '../db/testing';
import type { Executor } from '../db/executor';
import { uuidv7Source } from '../deps';
import { createEventStore, type EventMeta, type EventStore } from './event-store';
import { replay, type Projection } from './replay';

const meta: EventMeta = {
  userId: 'u1',
  deviceId: 'dev',
  hlc: '000000000000001:00000:dev',
  correlationId: 'c1',
  causationId: null,
  at: '2026-01-01T00:00:00.000Z',
};
const EVENTS = 57;

describe.each(testDialects)('replay on %s', (dialect) => {
  let kontor: TestKontor;
  let db: Executor;
  let events: EventStore;
  const things = () => db.table('replay_things');
  const rows = async () => (await db.rows(sql`SELECT n FROM ${things()} ORDER BY seq`)).map((r) => Number(r['n']));

  /** Folds `thing.counted` events into one row each; `failAt` makes the page holding it fail. */
  function projection(failAt?: number): Projection {
    return {
      prefix: 'thing.',
      tables: ['replay_things'],
      clear: async (tx) => void (await tx.run(sql`DELETE FROM ${things()}`)),
      prepare: async (page) => {
        const numbers = page.map((e) => (e.data as { n: number }).n);
        if (failAt !== undefined && numbers.includes(failAt)) throw new Error(`page with ${failAt} failed`);
        return async (tx) => {
          for (const [i, n] of numbers.entries()) {
            await tx.run(sql`INSERT INTO ${things()} (seq, n) VALUES (${page[i]?.position ?? 0}, ${n})`);
          }
        };
      },
    };
  }

  beforeAll(async () => {
    kontor = await openTestKontor(dialect);
    const { tenantId } = await kontor.currentStore();
    db = (await kontor.stores.tenant(tenantId)).sql;
    events = createEventStore({ db, ids: uuidv7Source() });
    await db.run(sql`CREATE TABLE ${things()} (seq INTEGER PRIMARY KEY, n INTEGER NOT NULL)`);
    for (let n = 0; n < EVENTS; n++) {
      await events.append(
        `thing-${n % 5}`,
        Math.floor(n / 5),
        [{ type: 'thing.counted', schemaVersion: 1, data: { n } }],
        meta,
      );
    }
  });
  afterAll(async () => kontor.dispose());

  it('writes every page in log order, with progress per page', async () => {
    const progress: number[] = [];
    const done = await replay({
      db,
      events,
      projections: [projection()],
      pageSize: 4,
      onProgress: (d) => progress.push(d),
    });
    expect(done).toBe(EVENTS);
    expect(await rows()).toEqual(Array.from({ length: EVENTS }, (_, n) => n));
    expect(progress).toEqual([...Array.from({ length: 14 }, (_, i) => (i + 1) * 4), EVENTS]);
  });

  it('changes nothing when cancelled in the middle', async () => {
    const before = await rows();
    await db.run(sql`DELETE FROM ${things()} WHERE n > 50`);
    const cut = await rows();
    expect(cut.length).toBeLessThan(before.length);
    const controller = new AbortController();
    await expect(
      replay({
        db,
        events,
        projections: [projection()],
        pageSize: 4,
        signal: controller.signal,
        onProgress: (d) => d >= 20 && controller.abort(),
      }),
    ).rejects.toMatchObject({ details: { reason: 'cancelled' } });
    expect(await rows()).toEqual(cut);
  });

  it('changes nothing when a page fails while earlier ones are being written', async () => {
    const before = await rows();
    await expect(replay({ db, events, projections: [projection(33)], pageSize: 4 })).rejects.toThrow(
      'page with 33 failed',
    );
    expect(await rows()).toEqual(before);
    // The store answers afterwards (nothing of the failed replay holds it).
    expect(await replay({ db, events, projections: [projection()], pageSize: 10 })).toBe(EVENTS);
  });
});
