// Two processes on one Postgres with their sessions in the database, as two instances of the
// Kontor server: a session opened on one answers on the other; a sign-out, a deactivation, a
// changed role and changed sign-in rules reach the other within 5 s; activity on one keeps the
// other from locking a session as idle, and a lock or an unlock reaches both; a sign-out while the
// notification channel is broken is still refused; the cache forgets sessions idle past the limit.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kontor } from '../app';
import { queryRows } from '../db/postgres';
import { openTestKontor, sharedPgConnection, TEST_ADMIN, value, type Caller, type TestKontor } from '../db/testing';

/** Polls until `check` holds; fails after 5 s (the longest a change may take to reach another instance). */
async function within5s(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('the change did not reach the other instance within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('sessions shared by two instances on one Postgres', () => {
  let a: TestKontor;
  let b: Kontor & { caller(connection: string): Caller };
  let now = Date.parse('2026-03-02T09:00:00.000Z');

  beforeAll(async () => {
    a = await openTestKontor('postgres', { clock: { now: () => new Date(now) }, sharedSessions: true });
    b = await a.instance();
  });
  afterAll(async () => a.dispose());

  /** A user signed in on instance A, and the same connection's caller on both instances. */
  async function signedIn(roleId: string, email: string) {
    const password = 'initial password 1';
    const user = value<{ id: string }>(await a.call('users.create', { email, name: email, roleId, password }));
    const connection = `c-${email}`;
    const onA = a.caller(connection);
    value(await onA('auth.login', { email, password }));
    value(await onA('auth.changePassword', { current: password, next: 'a changed password 1' }));
    return { id: user.id, onA, onB: b.caller(connection) };
  }

  const code = async (call: Promise<{ ok: boolean; error?: { code: string } }>) => {
    const result = await call;
    return result.ok ? 'ok' : result.error?.code;
  };

  it('answers a session opened on one instance on the other, with the same data', async () => {
    const created = value<{ id: string }>(await a.call('customers.create', { name: 'Über zwei Instanzen' }));
    const onB = b.caller('test-admin');
    expect(value(await onB('auth.status'))).toMatchObject({ state: 'signed_in' });
    expect(value(await onB('customers.get', { id: created.id }))).toMatchObject({ name: 'Über zwei Instanzen' });
    expect(b.sessions.connections()).toBe(1);
  });

  it('refuses on the other instance a session signed out on one', async () => {
    const { onA, onB } = await signedIn('clerk', 'signout@test.example');
    expect(await code(onB('customers.list', {}))).toBe('ok'); // cached on B now
    value(await onA('auth.logout'));
    await within5s(async () => (await code(onB('customers.list', {}))) === 'unauthenticated');
  });

  it('ends on the other instance the session of a user deactivated on one', async () => {
    const { id, onB } = await signedIn('clerk', 'deactivated@test.example');
    expect(await code(onB('customers.list', {}))).toBe('ok');
    value(await a.call('users.deactivate', { id }));
    await within5s(async () => (await code(onB('customers.list', {}))) === 'unauthenticated');
  });

  it('gives the other instance the permissions of a role changed on one', async () => {
    const { id, onB } = await signedIn('clerk', 'role@test.example');
    expect(await code(onB('customers.create', { name: 'Darf der Clerk' }))).toBe('ok');
    value(await a.call('users.update', { id, roleId: 'viewer' }));
    await within5s(
      async () => (await code(onB('customers.create', { name: 'Darf der Viewer nicht' }))) === 'forbidden',
    );
  });

  it('gives the other instance sign-in rules changed on one', async () => {
    const onB = b.caller('test-admin');
    expect(value(await onB('security.get'))).toMatchObject({ idleMinutes: 15 });
    value(await a.call('security.set', { idleMinutes: 20 }));
    await within5s(async () => value<{ idleMinutes: number }>(await onB('security.get')).idleMinutes === 20);
    value(await a.call('security.set', { idleMinutes: 15 }));
    await within5s(async () => value<{ idleMinutes: number }>(await onB('security.get')).idleMinutes === 15);
  });

  it.runIf(process.env['KONTOR_TEST_PG_URL'])(
    'refuses a session signed out while the notification channel is broken, and hears changes again after',
    async () => {
      const { onA, onB } = await signedIn('clerk', 'broken@test.example');
      expect(await code(onB('customers.list', {}))).toBe('ok');
      const { db } = await sharedPgConnection();
      const prefix = a.schemaPrefix ?? '';
      const killed = await queryRows(
        db,
        sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE application_name = 'kontor-listener' AND query LIKE ${`LISTEN ${prefix}%`}`,
      );
      expect(killed.length).toBeGreaterThan(0);
      value(await onA('auth.logout'));
      await within5s(async () => (await code(onB('customers.list', {}))) === 'unauthenticated');
      // Listening again: a sign-out is heard without reading every session's row.
      const second = await signedIn('clerk', 'after@test.example');
      await within5s(async () => (await code(second.onB('customers.list', {}))) === 'ok');
      value(await second.onA('auth.logout'));
      await within5s(async () => (await code(second.onB('customers.list', {}))) === 'unauthenticated');
    },
  );

  // Last: it moves the clock past every session's idle limit.
  it('does not lock as idle a session busy on the other instance; a lock and an unlock reach both', async () => {
    const { onA, onB } = await signedIn('clerk', 'idle@test.example');
    expect(await code(onB('customers.list', {}))).toBe('ok');
    now += 10 * 60_000;
    expect(await code(onA('customers.list', {}))).toBe('ok');
    now += 10 * 60_000; // 20 minutes after B last saw it, 10 after A did
    expect(await code(onB('customers.list', {}))).toBe('ok');
    now += 16 * 60_000;
    expect(await code(onB('customers.list', {}))).toBe('locked');
    await within5s(async () => (await code(onA('customers.list', {}))) === 'locked');
    value(await onB('auth.unlock', { password: 'a changed password 1' }));
    await within5s(async () => (await code(onA('customers.list', {}))) === 'ok');

    // The cache lets go of sessions idle past the limit (their rows stay): a long-running server
    // does not keep every session it served.
    now += 20 * 60_000;
    value(await a.call('auth.unlock', { password: TEST_ADMIN.password }));
    await signedIn('clerk', 'later@test.example');
    expect(a.sessions.connections()).toBe(2); // the administrator's and the new one
    const system = a.stores.system.sql;
    const [rows] = await system.rows(sql`SELECT count(*) AS n FROM ${system.table('server_sessions')}`);
    expect(Number(rows?.['n'])).toBeGreaterThan(2);
  });
});
