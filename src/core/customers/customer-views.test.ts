// Saved views of the customer list (per user), and the "has open tasks" filter, on every dialect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activity, Customer, CustomerPage, SavedView } from '../../shared/contract';
import { openTestKontor, testDialects, type Caller, type TestKontor, value } from '../db/testing';

describe.each(testDialects)('customer views on %s', (dialect) => {
  let kontor: TestKontor;
  let viewer: Caller;
  const call = <T>(name: string, input: unknown) => kontor.call(name, input).then((r) => value<T>(r));
  const names = async (input: object) =>
    (await call<CustomerPage>('customers.list', input)).items.map((c) => c.name).sort();

  beforeAll(async () => {
    kontor = await openTestKontor(dialect);
    viewer = await kontor.signInAs('viewer', 'viewer-views@test.example');
  });
  afterAll(async () => kontor.dispose());

  it('filters by open tasks, in the list and in a search', async () => {
    const open = await call<Customer>('customers.create', { name: 'Offen Aufgabe GmbH' });
    const done = await call<Customer>('customers.create', { name: 'Erledigt Aufgabe GmbH' });
    await call<Customer>('customers.create', { name: 'Ohne Aufgabe GmbH' });
    await call('activities.log', { customerId: open.id, fields: { kind: 'task', subject: 'Anrufen' } });
    const task = await call<Activity>('activities.log', {
      customerId: done.id,
      fields: { kind: 'task', subject: 'Mailen' },
    });
    await call('activities.log', { customerId: done.id, fields: { kind: 'note', subject: 'Notiz' } });
    expect(await names({ openTasks: true })).toEqual(['Erledigt Aufgabe GmbH', 'Offen Aufgabe GmbH']);
    await call('activities.complete', { id: task.id, done: true });
    // The count is not served from a cache that predates the change.
    const page = await call<CustomerPage>('customers.list', { openTasks: true });
    expect([page.total, page.items.map((c) => c.name)]).toEqual([1, ['Offen Aufgabe GmbH']]);
    expect(await names({ search: 'aufgabe', openTasks: true })).toEqual(['Offen Aufgabe GmbH']);
    expect(await names({ search: 'aufgabe', openTasks: false })).toEqual([
      'Erledigt Aufgabe GmbH',
      'Ohne Aufgabe GmbH',
    ]);
    expect(await names({ openTasks: false, sort: 'city', direction: 'desc' })).toEqual([
      'Erledigt Aufgabe GmbH',
      'Ohne Aufgabe GmbH',
    ]);
  });

  it('keeps each user their own views, replaces one of the same name, and deletes', async () => {
    const leads: SavedView = {
      name: 'Leads in Bayern',
      query: { sort: 'updatedAt', direction: 'desc', status: ['lead'], tags: ['bayern'] },
      columns: ['number', 'name', 'city', 'updatedAt'],
    };
    expect(await call('customers.saveView', leads)).toEqual([leads]);
    const renamed = { ...leads, name: ' leads in bayern ', columns: ['name'] };
    const replaced = await call<SavedView[]>('customers.saveView', renamed);
    expect(replaced).toEqual([{ ...leads, name: 'leads in bayern', columns: ['name'] }]);
    // Another user (a viewer may save views: they change nothing but their own list) sees none of them.
    expect(value(await viewer('customers.views', {}))).toEqual([]);
    value(await viewer('customers.saveView', { name: 'Meine', query: {}, columns: ['name'] }));
    expect((await call<SavedView[]>('customers.views', {})).map((v) => v.name)).toEqual(['leads in bayern']);
    expect(await call('customers.deleteView', { name: 'LEADS IN BAYERN' })).toEqual([]);
    expect(await kontor.call('customers.deleteView', { name: 'gibt es nicht' })).toMatchObject({
      ok: false,
      error: { code: 'not_found', details: { reason: 'no_view' } },
    });
    expect(value<SavedView[]>(await viewer('customers.views', {})).map((v) => v.name)).toEqual(['Meine']);
    const bad = await kontor.call('customers.saveView', { name: 'x', query: { sort: 'nope' }, columns: [] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation' } });
  });
});
