// Customers on the event log, on every dialect: every command is an event, the table is a
// projection, and a replay rebuilds exactly the same table (a property test over random commands).
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestKontor, testDialects, type TestKontor, value } from '../db/testing';

const text = fc.option(
  fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== ''),
  { nil: null },
);
const tags = fc.array(fc.constantFrom('A', 'b', 'Groß', 'Messe'), { maxLength: 3 });
const command = fc.oneof(
  fc.record({
    kind: fc.constant('create' as const),
    name: fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() !== ''),
    city: text,
    notes: text,
    tags,
  }),
  fc.record({ kind: fc.constant('update' as const), pick: fc.nat(), city: text, notes: text, tags }),
  fc.record({
    kind: fc.constant('status' as const),
    pick: fc.nat(),
    status: fc.constantFrom('lead', 'prospect', 'active', 'inactive', 'archived'),
  }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
);
const address = (city: string | null) => (city === null ? null : { city });

describe.each(testDialects)('customers on the event log on %s', (dialect) => {
  let kontor: TestKontor;
  let customers: () => Promise<unknown[]>;

  beforeAll(async () => {
    kontor = await openTestKontor(dialect);
    const status = value<{ tenant: { id: string } }>(await kontor.call('auth.status', {}));
    const store = await kontor.stores.tenant(status.tenant.id);
    // Secrets are sealed with fresh nonces on every write, so stored rows are compared without
    // them, beside the decrypted records and the search index.
    customers = async () => {
      const rows = await store.sql.rows(sql`SELECT * FROM ${store.sql.table('customers')} ORDER BY id`);
      const snapshot: unknown[] = [];
      for (const row of rows) {
        const { secrets: _sealed, ...stored } = row;
        snapshot.push({ stored, record: value(await kontor.call('customers.get', { id: row['id'] })) });
      }
      snapshot.push(
        await store.sql.rows(
          sql`SELECT * FROM ${store.sql.table('customer_words')} ORDER BY rank, word, sort_key, customer_id`,
        ),
      );
      return snapshot;
    };
  });
  afterAll(async () => kontor.dispose());

  it('records who, where and when for every change, and shows it as history', async () => {
    const customer = value<{ id: string }>(
      await kontor.call('customers.create', { name: 'Hilde Historie', billingAddress: { city: 'Kiel' } }),
    );
    value(await kontor.call('customers.update', { id: customer.id, changes: { billingAddress: { city: 'Rostock' } } }));
    const events = value<{ type: string; version: number; meta: { userId: string; deviceId: string; hlc: string } }[]>(
      await kontor.call('events.list', { stream: `customer-${customer.id}` }),
    );
    expect(events.map((e) => [e.type, e.version])).toEqual([
      ['customer.created', 1],
      ['customer.updated', 2],
    ]);
    expect(events[0]?.meta.deviceId).toMatch(/[0-9a-f-]{36}/);
    expect((events[1]?.meta.hlc ?? '') > (events[0]?.meta.hlc ?? '')).toBe(true);
    const history = value<{ userName: string; changes: object }[]>(
      await kontor.call('customers.history', { id: customer.id }),
    );
    const kiel = { street: null, postalCode: null, city: 'Kiel', country: null };
    expect(history.map((h) => h.userName)).toEqual(['Test Admin', 'Test Admin']);
    expect(history[0]?.changes).toMatchObject({ name: 'Hilde Historie', status: 'active', billingAddress: kiel });
    expect(history[1]?.changes).toEqual({ billingAddress: { ...kiel, city: 'Rostock' } });
  });

  it('records only the fields that really changed, and no event at all when nothing did', async () => {
    const customer = value<{ id: string; version: number }>(
      await kontor.call('customers.create', {
        name: 'Frieda Feld',
        billingAddress: { city: 'Bonn' },
        email: 'frieda@example.org',
      }),
    );
    const same = value<{ version: number }>(
      await kontor.call('customers.update', {
        id: customer.id,
        changes: { name: 'Frieda Feld', billingAddress: { city: 'Bonn' }, email: null, notes: null, tags: [] },
      }),
    );
    // Clearing the email is the one change recorded; the unchanged name, city and notes are not.
    expect(same.version).toBe(2);
    const unchanged = value<{ version: number }>(
      await kontor.call('customers.update', { id: customer.id, changes: { name: 'Frieda Feld', email: null } }),
    );
    expect(unchanged.version).toBe(2);
    const history = value<{ changes: object; before: object }[]>(
      await kontor.call('customers.history', { id: customer.id }),
    );
    expect(history[0]?.changes).toMatchObject({ name: 'Frieda Feld', email: 'frieda@example.org' });
    expect(history[1]?.changes).toEqual({ email: null });
    // Each change knows the value it replaced: the history shows old → new.
    expect(history.map((h) => h.before)).toEqual([{}, { email: 'frieda@example.org' }]);
  });

  it('rebuilds the very same customers table from the log after any sequence of commands', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 12 }), async (commands) => {
        const ids = ((await customers()) as { record?: { id: string } }[]).flatMap((c) =>
          c.record ? [c.record.id] : [],
        );
        for (const c of commands) {
          if (c.kind === 'create') {
            ids.push(
              value<{ id: string }>(
                await kontor.call('customers.create', {
                  name: c.name,
                  billingAddress: address(c.city),
                  notes: c.notes,
                  tags: c.tags,
                }),
              ).id,
            );
          } else if (ids.length > 0 && c.kind === 'update') {
            value(
              await kontor.call('customers.update', {
                id: ids[c.pick % ids.length],
                changes: { billingAddress: address(c.city), notes: c.notes, tags: c.tags },
              }),
            );
          } else if (ids.length > 0 && c.kind === 'status') {
            // Moves off the lifecycle's edges are refused and change nothing; both are fine here.
            await kontor.call('customers.setStatus', { id: ids[c.pick % ids.length], status: c.status, reason: 'r' });
          } else if (ids.length > 0 && c.kind === 'delete') {
            const [id] = ids.splice(c.pick % ids.length, 1);
            value(await kontor.call('customers.delete', { id }));
          }
        }
        const before = await customers();
        const progress: number[] = [];
        const replayed = await kontor.router.call(
          'events.replay',
          {},
          {
            meta: { connection: 'test-admin' },
            onProgress: (p) => progress.push(p.done),
          },
        );
        expect(replayed.ok).toBe(true);
        expect(await customers()).toEqual(before);
        expect(progress.length).toBeGreaterThan(0);
      }),
      { numRuns: 8 },
    );
  });

  it('changes nothing when a replay is cancelled', async () => {
    const before = await customers();
    const controller = new AbortController();
    controller.abort();
    const result = await kontor.router.call(
      'events.replay',
      {},
      { meta: { connection: 'test-admin' }, signal: controller.signal },
    );
    expect(result).toMatchObject({ ok: false, error: { details: { reason: 'cancelled' } } });
    expect(await customers()).toEqual(before);
  });
});
