// Users are installation-wide, administration is per company: an administrator of one company
// cannot change a user who also belongs to another, an existing user is invited rather than taken
// over, and what affects every company belongs to installation administrators.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthStatus, User } from '../../shared/contract';
import { openTestKontor, testDialects, type Caller, type TestKontor, value } from '../db/testing';

const INITIAL = 'initial password 1';

describe.each(testDialects)('company boundaries on %s', (dialect) => {
  let kontor: TestKontor;
  let companyA: string;
  let companyB: string;
  let adminA: Caller;
  const ids: Record<'both' | 'onlyB', string> = { both: '', onlyB: '' };
  const passwords: Record<'both' | 'onlyB', string> = { both: 'both companies password', onlyB: 'only b password' };

  /** Signs a user in on a connection of its own and sets the password they chose. */
  async function firstSignIn(email: string, password: string): Promise<Caller> {
    const as = kontor.caller(`c-${email}`);
    value(await as('auth.login', { email, password: INITIAL }));
    value(await as('auth.changePassword', { current: INITIAL, next: password }));
    return as;
  }

  beforeAll(async () => {
    kontor = await openTestKontor(dialect);
    companyA = (await kontor.currentStore()).tenantId;
    adminA = await kontor.signInAs('administrator', 'admin-a@test.example');
    // The installation administrator makes company B and its users.
    ids.both = value<User>(
      await kontor.call('users.create', {
        email: 'both@test.example',
        name: 'Beide',
        roleId: 'clerk',
        password: INITIAL,
      }),
    ).id;
    const both = await firstSignIn('both@test.example', passwords.both);
    companyB = value<{ id: string }>(await kontor.call('tenants.setup', { name: 'Firma B GmbH' })).id;
    value(await kontor.call('auth.switchTenant', { tenantId: companyB }));
    const invited = value<User>(
      await kontor.call('users.create', { email: 'both@test.example', name: 'x', roleId: 'clerk', password: INITIAL }),
    );
    expect(invited).toMatchObject({ invited: true, name: 'Beide' });
    value(await both('auth.answerInvitation', { tenantId: companyB, accept: true }));
    ids.onlyB = value<User>(
      await kontor.call('users.create', {
        email: 'only-b@test.example',
        name: 'Nur B',
        roleId: 'clerk',
        password: INITIAL,
      }),
    ).id;
    await firstSignIn('only-b@test.example', passwords.onlyB);
    value(await kontor.call('auth.switchTenant', { tenantId: companyA }));
  });
  afterAll(async () => kontor.dispose());

  /** What a refused change could have touched: the user's row and memberships. */
  async function userState(id: string): Promise<string> {
    const db = kontor.stores.system.sql;
    const user = await db.rows(sql`SELECT * FROM ${db.table('users')} WHERE id = ${id}`);
    const memberships = await db.rows(
      sql`SELECT * FROM ${db.table('memberships')} WHERE user_id = ${id} ORDER BY tenant_id`,
    );
    return JSON.stringify([user, memberships]);
  }

  async function deniedEntries(target: string): Promise<number> {
    const log = value<{ items: { details: Record<string, unknown> }[] }>(
      await kontor.call('audit.list', { action: 'permission.denied', limit: 500 }),
    );
    return log.items.filter((e) => e.details['target'] === target).length;
  }

  for (const who of ['both', 'onlyB'] as const) {
    it(`refuses an administrator of A every change to a user of ${who === 'both' ? 'A and B' : 'B alone'}`, async () => {
      const id = ids[who];
      const attempts: [string, unknown][] = [
        ['users.resetPassword', { id, password: 'taken over password' }],
        ['users.update', { id, name: 'Übernommen' }],
        ['users.update', { id, email: 'attacker@test.example' }],
        ['users.update', { id, roleId: 'administrator' }],
        ['users.deactivate', { id }],
        ['users.resetTwoFactor', { id }],
      ];
      for (const [name, input] of attempts) {
        const before = await userState(id);
        const denied = await deniedEntries(id);
        expect(await adminA(name, input), name).toMatchObject({
          ok: false,
          error: { code: 'forbidden', details: { reason: 'user_in_other_company' } },
        });
        expect(await userState(id), `${name} changed the user`).toBe(before);
        expect(await deniedEntries(id), `${name} was not audited`).toBe(denied + 1);
      }
      // The user still signs in with their own password.
      const as = kontor.caller(`check-${who}`);
      expect(
        await as('auth.login', {
          email: `${who === 'both' ? 'both' : 'only-b'}@test.example`,
          password: passwords[who],
        }),
      ).toMatchObject({ ok: true, value: { state: 'signed_in' } });
    });
  }

  it('invites an existing user of another company and never touches their account', async () => {
    const before = await userState(ids.onlyB);
    const invited = value<User>(
      await adminA('users.create', {
        email: 'only-b@test.example',
        name: 'Someone Else',
        roleId: 'administrator',
        password: 'an attacker password',
      }),
    );
    expect(invited).toMatchObject({ id: ids.onlyB, name: 'Nur B', invited: true });
    const db = kontor.stores.system.sql;
    const [row] = await db.rows(
      sql`SELECT password_hash, name, email FROM ${db.table('users')} WHERE id = ${ids.onlyB}`,
    );
    const [was] = JSON.parse(before) as [Record<string, unknown>[]];
    expect(row).toMatchObject({
      password_hash: was[0]?.['password_hash'],
      name: 'Nur B',
      email: 'only-b@test.example',
    });
    // Not a member until they accept: the old password works, the new one does not.
    const attacker = kontor.caller('attacker');
    expect(
      await attacker('auth.login', { email: 'only-b@test.example', password: 'an attacker password' }),
    ).toMatchObject({ error: { code: 'unauthenticated' } });
    const user = kontor.caller('only-b-answers');
    const status = value<AuthStatus & { state: 'signed_in' }>(
      await user('auth.login', { email: 'only-b@test.example', password: passwords.onlyB }),
    );
    expect(status.memberships.map((m) => m.tenantId)).toEqual([companyB]);
    expect(status.invitations).toMatchObject([{ tenantId: companyA, roleName: 'Administrator' }]);
    expect(await user('auth.switchTenant', { tenantId: companyA })).toMatchObject({ error: { code: 'forbidden' } });
    // Still refused: B is not A's administrator's to change.
    expect(await adminA('users.resetPassword', { id: ids.onlyB, password: 'taken over password' })).toMatchObject({
      error: { code: 'forbidden' },
    });
    const declined = value<AuthStatus & { state: 'signed_in' }>(
      await user('auth.answerInvitation', { tenantId: companyA, accept: false }),
    );
    expect(declined.invitations).toEqual([]);
    expect(declined.memberships.map((m) => m.tenantId)).toEqual([companyB]);
    expect(await user('auth.answerInvitation', { tenantId: companyA, accept: true })).toMatchObject({
      error: { code: 'not_found' },
    });
  });

  it('keeps installation-wide settings and other companies away from a company administrator', async () => {
    expect(await adminA('settings.setDatabase', { kind: 'sqlite' })).toMatchObject({ error: { code: 'forbidden' } });
    expect(await adminA('security.set', { maxFailedLogins: 20 })).toMatchObject({ error: { code: 'forbidden' } });
    expect(value(await adminA('security.set', { requireTwoFactor: false }))).toMatchObject({ requireTwoFactor: false });
    expect(await adminA('tenants.rename', { id: companyB, name: 'Gekapert GmbH' })).toMatchObject({
      error: { code: 'forbidden' },
    });
    expect(await adminA('tenants.archive', { id: companyB, archived: true })).toMatchObject({
      error: { code: 'forbidden' },
    });
    expect(value<{ id: string }[]>(await adminA('tenants.list', {})).map((t) => t.id)).toEqual([companyA]);
    expect(
      value<{ id: string }[]>(await kontor.call('tenants.list', {}))
        .map((t) => t.id)
        .sort(),
    ).toEqual([companyA, companyB].sort());
    // The audit log: A's administrator sees A's entries only; the installation administrator all.
    const seenByA = value<{ items: { tenantId: string | null }[] }>(await adminA('audit.list', { limit: 500 }));
    expect(new Set(seenByA.items.map((e) => e.tenantId))).toEqual(new Set([companyA]));
    const seenByInstallation = value<{ items: { tenantId: string | null }[] }>(
      await kontor.call('audit.list', { limit: 500 }),
    );
    expect(seenByInstallation.items.some((e) => e.tenantId === null)).toBe(true);
    expect(seenByInstallation.items.some((e) => e.tenantId === companyB)).toBe(true);
  });

  it('grants and revokes installation administration, never from the last one', async () => {
    const status = value<AuthStatus & { state: 'signed_in' }>(await kontor.call('auth.status', {}));
    const root = status.user.id;
    expect(status.permissions).toContain('installation.manage');
    expect(await kontor.call('users.setInstallationAdmin', { id: root, installationAdmin: false })).toMatchObject({
      error: { code: 'conflict' },
    });
    expect(await kontor.call('users.deactivate', { id: root })).toMatchObject({ error: { code: 'conflict' } });
    const adminAId = value<User[]>(await kontor.call('users.list', {})).find(
      (u) => u.email === 'admin-a@test.example',
    )?.id;
    if (!adminAId) throw new Error('no admin of A');
    expect(await adminA('mail.outbox', {})).toMatchObject({ error: { code: 'forbidden' } });
    expect(
      value(await kontor.call('users.setInstallationAdmin', { id: adminAId, installationAdmin: true })),
    ).toMatchObject({ installationAdmin: true });
    // Takes effect on the next call of their open session.
    expect(await adminA('mail.outbox', {})).toMatchObject({ ok: true });
    expect(value(await adminA('users.setInstallationAdmin', { id: root, installationAdmin: false }))).toMatchObject({
      installationAdmin: false,
    });
    expect(await kontor.call('mail.outbox', {})).toMatchObject({ error: { code: 'forbidden' } });
    expect(await adminA('users.setInstallationAdmin', { id: adminAId, installationAdmin: false })).toMatchObject({
      error: { code: 'conflict' },
    });
    value(await adminA('users.setInstallationAdmin', { id: root, installationAdmin: true }));
    expect(await kontor.call('mail.outbox', {})).toMatchObject({ ok: true });
  });
});
