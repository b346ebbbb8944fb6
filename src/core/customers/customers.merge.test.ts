// Merging a duplicate into the customer that stays, on every dialect: fields filled, both
// histories, contacts and activities moved, the duplicate gone from the list, replay agrees, and
// erasing the merged customer erases the duplicate's log too.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activity, Contact, Customer, CustomerPage } from '../../shared/contract';
import { openTestKontor, testDialects, type TestKontor, value } from '../db/testing';

describe.each(testDialects)('merging customers on %s', (dialect) => {
  let kontor: TestKontor;
  const call = <T>(name: string, input: unknown) => kontor.call(name, input).then((r) => value<T>(r));

  beforeAll(async () => {
    kontor = await openTestKontor(dialect);
  });
  afterAll(async () => kontor.dispose());

  it('keeps the target, fills its gaps, moves contacts and activities, and shows both histories', async () => {
    const target = await call<Customer>('customers.create', {
      name: 'Zusammen Ziel GmbH',
      tags: ['Nord'],
      notes: 'Stammkunde',
    });
    const source = await call<Customer>('customers.create', {
      name: 'Zusammen Ziel G.m.b.H.',
      email: 'info@ziel.example',
      phone: '+49 30 1234567',
      tags: ['nord', 'Messe'],
      notes: 'Auf der Messe getroffen',
    });
    const kept = await call<Contact>('contacts.add', { customerId: target.id, fields: { name: 'Bleibt Primär' } });
    const came = await call<Contact>('contacts.add', { customerId: source.id, fields: { name: 'Kommt Dazu' } });
    const call1 = await call<Activity>('activities.log', {
      customerId: source.id,
      fields: { kind: 'call', subject: 'Erstkontakt', body: 'auf der Messe' },
    });

    const merged = await call<Customer>('customers.merge', {
      sourceId: source.id,
      targetId: target.id,
      targetVersion: target.version,
    });
    expect(merged).toMatchObject({
      id: target.id,
      number: target.number,
      name: 'Zusammen Ziel GmbH',
      email: 'info@ziel.example',
      phone: '+49301234567',
      tags: ['Nord', 'Messe'],
      notes: `Stammkunde\n\n— ${source.number} —\nAuf der Messe getroffen`,
    });
    // The duplicate's address says where it went.
    expect(await kontor.call('customers.get', { id: source.id })).toMatchObject({
      ok: false,
      error: { code: 'not_found', details: { reason: 'customer_merged', number: target.number, into: target.id } },
    });
    const list = await call<CustomerPage>('customers.list', { search: 'zusammen' });
    expect(list.items.map((c) => c.id)).toEqual([target.id]);

    const contacts = await call<Contact[]>('contacts.list', { customerId: target.id });
    expect(contacts.map((c) => [c.id, c.primary])).toEqual([
      [kept.id, true],
      [came.id, false],
    ]);
    const activities = await call<Activity[]>('activities.list', { customerId: target.id });
    expect(activities).toMatchObject([{ id: call1.id, subject: 'Erstkontakt', body: 'auf der Messe' }]);

    const history = await call<{ type: string; mergedFrom: string | null; changes: object }[]>('customers.history', {
      id: target.id,
    });
    expect(history.map((e) => [e.type, e.mergedFrom])).toEqual([
      ['customer.created', null],
      ['customer.created', source.number],
      ['customer.updated', null],
      ['customer.absorbed', null],
      ['customer.merged', source.number],
    ]);
    expect(history[1]?.changes).toMatchObject({ email: 'info@ziel.example' });

    // A replay rebuilds the same state.
    const snapshot = [
      await call('customers.get', { id: target.id }),
      await call('contacts.list', { customerId: target.id }),
      await call('activities.list', { customerId: target.id }),
    ];
    value(await kontor.call('events.replay', {}));
    expect([
      await call('customers.get', { id: target.id }),
      await call('contacts.list', { customerId: target.id }),
      await call('activities.list', { customerId: target.id }),
    ]).toEqual(snapshot);

    // Erasing the customer that stays erases the merged one's log with it.
    await call('gdpr.erase', { customerId: target.id });
    const { sql: db } = await kontor.currentStore();
    const keys = await db.rows(
      sql`SELECT subject FROM ${db.table('data_keys')} WHERE subject IN (${`customer:${target.id}`}, ${`customer:${source.id}`})`,
    );
    expect(keys).toEqual([]);
    const after = await call<{ changes: Record<string, unknown> }[]>('customers.history', { id: target.id });
    expect(after[1]?.changes).toMatchObject({ personal: '[erased]' });
  });

  it('refuses a merge into itself, of an erased customer, and of a stale version, changing nothing', async () => {
    const a = await call<Customer>('customers.create', { name: 'Selbst GmbH' });
    const self = await kontor.call('customers.merge', { sourceId: a.id, targetId: a.id });
    expect(self).toMatchObject({ ok: false, error: { code: 'validation', details: { reason: 'merge_itself' } } });
    const b = await call<Customer>('customers.create', { name: 'Gelöscht GmbH' });
    await call('gdpr.erase', { customerId: b.id });
    const erased = await kontor.call('customers.merge', { sourceId: b.id, targetId: a.id });
    expect(erased).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'customer_erased' } } });
    const c = await call<Customer>('customers.create', { name: 'Veraltet GmbH', email: 'v@example.com' });
    await call('customers.update', { id: a.id, changes: { legalForm: 'GmbH' } });
    const stale = await kontor.call('customers.merge', { sourceId: c.id, targetId: a.id, targetVersion: a.version });
    expect(stale).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect((await call<Customer>('customers.get', { id: c.id })).email).toBe('v@example.com');
    expect((await call<Customer>('customers.get', { id: a.id })).email).toBeNull();
  });
});
