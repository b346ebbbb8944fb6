// Bulk actions on selected customers, on every dialect: each customer its own event, refusals
// reported per customer while the others go on, and the selection as an export filter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulkResult, Customer, CustomerPage } from '../../shared/contract';
import { openTestKontor, testDialects, type TestKontor, value } from '../db/testing';

describe.each(testDialects)('bulk actions on %s', (dialect) => {
  let kontor: TestKontor;
  const call = <T>(name: string, input: unknown) => kontor.call(name, input).then((r) => value<T>(r));
  const get = (id: string) => call<Customer>('customers.get', { id });

  beforeAll(async () => {
    kontor = await openTestKontor(dialect);
  });
  afterAll(async () => kontor.dispose());

  it('tags, untags, gives an owner and moves the status of many customers', async () => {
    const a = await call<Customer>('customers.create', { name: 'Bulk Alpha GmbH', tags: ['Nord'] });
    const b = await call<Customer>('customers.create', { name: 'Bulk Beta GmbH', status: 'lead' });
    const erased = await call<Customer>('customers.create', { name: 'Bulk Gelöscht GmbH' });
    await call('gdpr.erase', { customerId: erased.id });
    const ids = [a.id, b.id];

    const tagged = await call<BulkResult>('customers.bulk', {
      ids,
      action: { kind: 'addTags', tags: ['nord', 'Messe'] },
    });
    expect(tagged).toEqual({ changed: 2, unchanged: 0, failed: [] });
    expect((await get(a.id)).tags).toEqual(['Nord', 'Messe']);
    expect((await get(b.id)).tags).toEqual(['nord', 'Messe']);
    const again = await call<BulkResult>('customers.bulk', { ids, action: { kind: 'addTags', tags: ['MESSE'] } });
    expect(again).toEqual({ changed: 0, unchanged: 2, failed: [] });
    await call('customers.bulk', { ids, action: { kind: 'removeTags', tags: ['NORD'] } });
    expect([(await get(a.id)).tags, (await get(b.id)).tags]).toEqual([['Messe'], ['Messe']]);

    const [owner] = await call<{ id: string }[]>('customers.owners', {});
    await call('customers.bulk', { ids, action: { kind: 'owner', ownerId: owner?.id } });
    expect((await get(b.id)).ownerId).toBe(owner?.id);
    const stranger = await call<BulkResult>('customers.bulk', {
      ids: [a.id],
      action: { kind: 'owner', ownerId: '0190b6a4-7c2e-7000-8000-000000000000' },
    });
    expect(stranger.failed).toMatchObject([{ id: a.id, code: 'validation' }]);

    // lead → prospect is allowed; active → prospect is not: reported, the rest goes on.
    const moved = await call<BulkResult>('customers.bulk', {
      ids: [a.id, b.id, erased.id],
      action: { kind: 'status', status: 'prospect', reason: 'Messekontakt' },
    });
    expect(moved.changed).toBe(1);
    expect(moved.failed).toEqual([
      expect.objectContaining({ id: a.id, name: 'Bulk Alpha GmbH', code: 'conflict', reason: 'status_edge' }),
      expect.objectContaining({ id: erased.id, name: null, code: 'conflict', reason: 'customer_erased' }),
    ]);
    expect((await get(b.id)).status).toBe('prospect');
    const events = await call<{ type: string }[]>('events.list', { stream: `customer-${b.id}` });
    expect(events.map((e) => e.type)).toEqual([
      'customer.created',
      'customer.updated',
      'customer.updated',
      'customer.updated',
      'customer.status_changed',
    ]);

    const missing = await call<BulkResult>('customers.bulk', {
      ids: ['0190b6a4-7c2e-7000-8000-0000000000aa'],
      action: { kind: 'addTags', tags: ['x'] },
    });
    expect(missing.failed).toMatchObject([{ code: 'not_found', reason: 'no_customer' }]);

    // The selection as a list filter (what the screen exports).
    const selected = await call<CustomerPage>('customers.list', { ids: [a.id, erased.id] });
    expect(selected.items.map((c) => c.id).sort()).toEqual([a.id, erased.id].sort());
    expect(selected.total).toBe(2);
  });
});
