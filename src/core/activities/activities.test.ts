// Activities through the router, on every dialect: the timeline, tasks with due date and assignee,
// "my open tasks", and what happens to them when their customer is erased or deleted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERASURE_MARKER, type Activity, type Customer, type MyTask } from '../../shared/contract';
import { openTestKontor, testDialects, type Caller, type TestKontor, value } from '../db/testing';

describe.each(testDialects)('activities on %s', (dialect) => {
  let kontor: TestKontor;
  let clerk: Caller;
  let clerkId: string;
  let adminId: string;
  const call = <T>(name: string, input: unknown) => kontor.call(name, input).then((r) => value<T>(r));
  const timeline = (customerId: string) => call<Activity[]>('activities.list', { customerId });

  beforeAll(async () => {
    kontor = await openTestKontor(dialect);
    clerk = await kontor.signInAs('clerk', 'clerk-tasks@test.example');
    const users = await call<{ id: string; email: string }[]>('customers.owners', {});
    clerkId = users.find((u) => u.email === 'clerk-tasks@test.example')?.id ?? '';
    adminId = users.find((u) => u.email !== 'clerk-tasks@test.example')?.id ?? '';
  });
  afterAll(async () => kontor.dispose());

  it('logs calls and notes on the timeline, newest first', async () => {
    const customer = await call<Customer>('customers.create', { name: 'Zeitleiste GmbH' });
    await call('activities.log', {
      customerId: customer.id,
      fields: {
        kind: 'call',
        subject: 'Erstgespräch',
        body: 'Interesse an Wartung',
        occurredAt: '2026-11-02T09:30:00Z',
      },
    });
    await call('activities.log', {
      customerId: customer.id,
      fields: { kind: 'note', subject: 'Rückruf erbeten', occurredAt: '2026-11-03T14:00:00+01:00' },
    });
    const list = await timeline(customer.id);
    expect(list.map((a) => [a.kind, a.subject, a.occurredAt])).toEqual([
      ['note', 'Rückruf erbeten', '2026-11-03T13:00:00.000Z'],
      ['call', 'Erstgespräch', '2026-11-02T09:30:00.000Z'],
    ]);
    expect(list[1]).toMatchObject({ body: 'Interesse an Wartung', doneAt: null, dueDate: null });

    const noSubject = await kontor.call('activities.log', {
      customerId: customer.id,
      fields: { kind: 'note', subject: ' ' },
    });
    expect(noSubject).toMatchObject({ ok: false, error: { code: 'validation' } });
    const dueCall = await kontor.call('activities.log', {
      customerId: customer.id,
      fields: { kind: 'call', subject: 'x', dueDate: '2026-12-01' },
    });
    expect(dueCall).toMatchObject({
      ok: false,
      error: { code: 'validation', details: { issues: [{ path: 'dueDate' }] } },
    });
    const stranger = await kontor.call('activities.log', {
      customerId: customer.id,
      fields: { kind: 'task', subject: 'x', assigneeId: '0190b6a4-7c2e-7000-8000-000000000000' },
    });
    expect(stranger).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(await timeline(customer.id)).toHaveLength(2);
  });

  it('assigns tasks, lists my open ones soonest first, completes and reopens them', async () => {
    const a = await call<Customer>('customers.create', { name: 'Aufgaben AG' });
    const b = await call<Customer>('customers.create', { name: 'Bälde KG' });
    const later = await call<Activity>('activities.log', {
      customerId: a.id,
      fields: { kind: 'task', subject: 'Angebot schicken', dueDate: '2026-12-20', assigneeId: clerkId },
    });
    const sooner = await call<Activity>('activities.log', {
      customerId: b.id,
      fields: { kind: 'task', subject: 'Vertrag prüfen', dueDate: '2026-12-10', assigneeId: clerkId },
    });
    const undated = await call<Activity>('activities.log', {
      customerId: b.id,
      fields: { kind: 'task', subject: 'Irgendwann anrufen', assigneeId: clerkId },
    });
    await call('activities.log', {
      customerId: a.id,
      fields: { kind: 'task', subject: 'Nicht meins', assigneeId: adminId },
    });

    const mine = value<MyTask[]>(await clerk('activities.myTasks', {}));
    expect(mine.map((t) => [t.subject, t.customerName, t.dueDate])).toEqual([
      ['Vertrag prüfen', 'Bälde KG', '2026-12-10'],
      ['Angebot schicken', 'Aufgaben AG', '2026-12-20'],
      ['Irgendwann anrufen', 'Bälde KG', null],
    ]);
    expect(mine[0]?.customerNumber).toBe(b.number);

    const finished = value<Activity>(await clerk('activities.complete', { id: sooner.id, done: true }));
    expect(finished.doneAt).not.toBeNull();
    expect(value<MyTask[]>(await clerk('activities.myTasks', {})).map((t) => t.id)).toEqual([later.id, undated.id]);
    const stale = await clerk('activities.complete', { id: sooner.id, done: false, expectedVersion: sooner.version });
    expect(stale).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const reopened = value<Activity>(await clerk('activities.complete', { id: sooner.id, done: false }));
    expect(reopened).toMatchObject({ doneAt: null, version: 3 });

    const moved = await call<Activity>('activities.update', {
      id: undated.id,
      changes: { dueDate: '2026-12-01', subject: 'Bald anrufen' },
    });
    expect(moved).toMatchObject({ dueDate: '2026-12-01', subject: 'Bald anrufen', version: 2 });
    const unchanged = await call<Activity>('activities.update', {
      id: undated.id,
      changes: { subject: 'Bald anrufen' },
    });
    expect(unchanged.version).toBe(2);

    const note = await call<Activity>('activities.log', {
      customerId: a.id,
      fields: { kind: 'note', subject: 'Notiz' },
    });
    expect(await kontor.call('activities.complete', { id: note.id, done: true })).toMatchObject({
      ok: false,
      error: { code: 'conflict', details: { reason: 'not_a_task' } },
    });
    expect(await call('activities.remove', { id: note.id })).toEqual({ removed: true });

    // A replay rebuilds the very same projection.
    const before = [await timeline(a.id), await timeline(b.id)];
    value(await kontor.call('events.replay', {}));
    expect([await timeline(a.id), await timeline(b.id)]).toEqual(before);
  });

  it('loses its text with the erased customer, goes with a deleted one, and keeps a worked-on one from deletion', async () => {
    const erased = await call<Customer>('customers.create', { name: 'Vergessen GmbH' });
    await call('activities.log', { customerId: erased.id, fields: { kind: 'call', subject: 'Geheimes Gespräch' } });
    await call('gdpr.erase', { customerId: erased.id });
    expect(await timeline(erased.id)).toMatchObject([{ kind: 'call', subject: ERASURE_MARKER, body: null }]);
    expect(
      await kontor.call('activities.log', { customerId: erased.id, fields: { kind: 'note', subject: 'x' } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'conflict', details: { reason: 'customer_erased' } },
    });
    const [logged] = await timeline(erased.id);
    const log = await call<{ data: object }[]>('events.list', { stream: `activity-${logged?.id ?? ''}` });
    expect(log[0]?.data).toMatchObject({ kind: 'call', content: ERASURE_MARKER });
    const snapshot = await timeline(erased.id);
    value(await kontor.call('events.replay', {}));
    expect(await timeline(erased.id)).toEqual(snapshot);

    const mine = await call<Customer>('customers.create', { name: 'Nur Meins GmbH' });
    const own = await call<Activity>('activities.log', {
      customerId: mine.id,
      fields: { kind: 'note', subject: 'Selbst notiert' },
    });
    await call('customers.delete', { id: mine.id });
    const events = await call<{ type: string }[]>('events.list', { stream: `activity-${own.id}` });
    expect(events.map((e) => e.type)).toEqual(['activity.logged', 'activity.removed']);

    const shared = await call<Customer>('customers.create', { name: 'Gemeinsam GmbH' });
    value(
      await clerk('activities.log', { customerId: shared.id, fields: { kind: 'call', subject: 'Von der Kollegin' } }),
    );
    expect(await kontor.call('customers.delete', { id: shared.id })).toMatchObject({
      ok: false,
      error: { code: 'conflict', details: { reason: 'customer_in_use' } },
    });
    expect(await timeline(shared.id)).toHaveLength(1);
  });
});
