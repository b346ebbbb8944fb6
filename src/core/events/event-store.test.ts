// The event log on every dialect: ordered appends, optimistic concurrency, upcasting, the HLC.
import fc from 'fast-check';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestKontor, testDialects, type TestKontor } from '../db/testing';
import { uuidv7Source } from '../deps';
import { createEventStore, type EventMeta, type EventStore } from './event-store';
import { defineEvent, upcast } from './event-types';
import { createHlc, HLC_MAX_COUNTER, parseHlc } from './hlc';

const meta = (hlc = '000000000000001:00000:dev'): EventMeta => ({
  userId: 'u1',
  deviceId: 'dev',
  hlc,
  correlationId: 'c1',
  causationId: null,
  at: '2026-01-01T00:00:00.000Z',
});
const created = { type: 'customer.created', schemaVersion: 1, data: { name: 'Ada' } };
const renamed = (name: string) => ({ type: 'customer.updated', schemaVersion: 1, data: { changes: { name } } });

describe.each(testDialects)('event store on %s', (dialect) => {
  let kontor: TestKontor;
  let store: EventStore;

  beforeAll(async () => {
    kontor = await openTestKontor(dialect);
    const status = await kontor.call('auth.status', {});
    const tenantId = status.ok && status.value && (status.value as { tenant: { id: string } }).tenant.id;
    store = createEventStore({ db: (await kontor.stores.tenant(String(tenantId))).sql, ids: uuidv7Source() });
  });
  afterAll(async () => kontor.dispose());

  it('appends to a stream in versions and to the store in positions', async () => {
    const first = await store.append('customer-1', 0, [created], meta());
    const next = await store.append('customer-1', 1, [renamed('Ada L.'), renamed('Ada Lovelace')], meta());
    expect(first.map((e) => e.version)).toEqual([1]);
    expect(next.map((e) => e.version)).toEqual([2, 3]);
    expect(next[0]?.position).toBeGreaterThan(first[0]?.position ?? Infinity);
    const stream = await store.readStream('customer-1');
    expect(stream.map((e) => [e.version, e.type])).toEqual([
      [1, 'customer.created'],
      [2, 'customer.updated'],
      [3, 'customer.updated'],
    ]);
    expect(stream[2]?.data).toEqual({ changes: { name: 'Ada Lovelace' } });
    expect(stream[0]?.meta).toEqual(meta());
  });

  it('refuses an append against a stale version with conflict and writes nothing', async () => {
    await expect(store.append('customer-1', 1, [renamed('Stale')], meta())).rejects.toMatchObject({ code: 'conflict' });
    expect(await store.streamVersion('customer-1')).toBe(3);
  });

  it('lets exactly one of two concurrent writers of the same version win', async () => {
    await store.append('customer-2', 0, [created], meta());
    const results = await Promise.allSettled([
      store.append('customer-2', 1, [renamed('A')], meta()),
      store.append('customer-2', 1, [renamed('B')], meta()),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'conflict' } });
    expect(await store.streamVersion('customer-2')).toBe(2);
  });

  it('reads everything after a position, in order, in pages', async () => {
    const all = await store.readAll(0, 1000);
    expect(all.map((e) => e.position)).toEqual([...all.map((e) => e.position)].sort((a, b) => a - b));
    const page = await store.readAll(all[1]?.position ?? 0, 2);
    expect(page.map((e) => e.id)).toEqual(all.slice(2, 4).map((e) => e.id));
  });
});

describe('event types', () => {
  const renamedV2 = defineEvent('customer.renamed', 2, z.object({ first: z.string(), last: z.string() }), {
    1: (data) => {
      const { name } = z.object({ name: z.string() }).parse(data);
      const [first = '', ...rest] = name.split(' ');
      return { first, last: rest.join(' ') };
    },
  });

  it('upcasts old versions to the current one and checks the result', () => {
    expect(upcast(renamedV2, 1, { name: 'Ada King Lovelace' })).toEqual({ first: 'Ada', last: 'King Lovelace' });
    expect(upcast(renamedV2, 2, { first: 'A', last: 'B' })).toEqual({ first: 'A', last: 'B' });
    expect(() => upcast(renamedV2, 3, {})).toThrow(/newer/);
    expect(() => upcast(renamedV2, 2, { first: 1 })).toThrow();
  });

  it('refuses a type without the upcasters to reach its version', () => {
    expect(() => defineEvent('x', 3, z.object({}), { 1: (d) => d })).toThrow(/no upcaster from version 2/);
  });
});

describe('hybrid logical clock', () => {
  it('never goes backwards, even when the wall clock does', async () => {
    let now = 1_000_000;
    const hlc = createHlc({ now: () => new Date(now) }, 'desk-a');
    const a = await hlc.now();
    now -= 5_000;
    const b = await hlc.now();
    const c = await hlc.now();
    expect([a, b, c]).toEqual([...[a, b, c]].sort());
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it('orders local events after a remote one it has seen, and refuses one from far in the future', async () => {
    const hlc = createHlc({ now: () => new Date(1_000) }, 'desk-a', { maxDriftMs: 60_000 });
    const remote = '000000000009999:00003:desk-b';
    hlc.receive(remote);
    const local = await hlc.now();
    expect(local > remote).toBe(true);
    expect(parseHlc(local)).toMatchObject({ ms: 9999, device: 'desk-a' });
    expect(() => hlc.receive('000099999999999:00000:desk-c')).toThrow(/too far ahead/);
  });

  it('moves to the next millisecond instead of overflowing its counter', async () => {
    const hlc = createHlc({ now: () => new Date(5_000) }, 'desk-a');
    let previous = '';
    for (let i = 0; i < HLC_MAX_COUNTER + 3; i++) {
      const stamp = await hlc.now();
      expect(stamp > previous).toBe(true);
      previous = stamp;
    }
    expect(parseHlc(previous)).toEqual({ ms: 5_001, counter: 1, device: 'desk-a' });
  });

  it('issues strictly increasing timestamps across restarts and clock jumps (property)', async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('now' as const) }),
      fc.record({ kind: fc.constant('jump' as const), ms: fc.integer({ min: -3_600_000, max: 3_600_000 }) }),
      fc.record({ kind: fc.constant('restart' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 80 }), async (steps) => {
        let wall = 1_700_000_000_000;
        const clock = { now: () => new Date(wall) };
        // What the settings store would hold between runs.
        let stored: number | undefined;
        const start = () =>
          createHlc(clock, 'desk-a', {
            ...(stored !== undefined && { reservedUntil: stored }),
            reserve: async (ms) => void (stored = ms),
            windowMs: 1_000,
          });
        let hlc = start();
        const issued: string[] = [];
        for (const s of steps) {
          if (s.kind === 'now') issued.push(await hlc.now());
          else if (s.kind === 'jump') wall += s.ms;
          else hlc = start();
        }
        expect(issued).toEqual([...issued].sort());
        expect(new Set(issued).size).toBe(issued.length);
      }),
      { numRuns: 200 },
    );
  });
});
