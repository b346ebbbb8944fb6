// Identity on every dialect: sign-in, throttling and lockout, 2FA, sessions, the last administrator.
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestKontor, TEST_ADMIN, testDialects, type Caller, type TestKontor, value } from '../db/testing';

describe.each(testDialects)('identity on %s', (dialect) => {
  let kontor: TestKontor;
  let now = Date.parse('2026-03-02T09:00:00.000Z');
  /** Moves the clock on; the admin session is unlocked (or signed in again) so later steps can use it. */
  async function advance(ms: number): Promise<void> {
    now += ms;
    const unlocked = await kontor.call('auth.unlock', { password: TEST_ADMIN.password });
    if (!unlocked.ok)
      value(await kontor.call('auth.login', { email: TEST_ADMIN.email, password: TEST_ADMIN.password }));
  }

  beforeAll(async () => {
    kontor = await openTestKontor(dialect, { clock: { now: () => new Date(now) } });
  });
  afterAll(async () => kontor.dispose());

  async function newUser(email: string, roleId = 'clerk'): Promise<{ as: Caller; password: string }> {
    const password = `${email} password`;
    value(await kontor.call('users.create', { email, name: email, roleId, password: 'initial password 1' }));
    const as = kontor.caller(`c-${email}-${now}`);
    value(await as('auth.login', { email, password: 'initial password 1' }));
    value(await as('auth.changePassword', { current: 'initial password 1', next: password }));
    return { as, password };
  }

  it('refuses a second setup', async () => {
    const again = await kontor.caller('x')('auth.setup', {
      company: 'Other',
      name: 'X',
      email: 'x@x.example',
      password: 'another password 1',
    });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('never says whether the email or the password was wrong', async () => {
    const anon = kontor.caller('anon-1');
    const unknown = await anon('auth.login', { email: 'nobody@test.example', password: 'whatever it is' });
    const wrong = await anon('auth.login', { email: TEST_ADMIN.email, password: 'not the password' });
    expect(unknown).toEqual({
      ok: false,
      error: {
        code: 'unauthenticated',
        message: 'email or password is wrong',
        details: { reason: 'wrong_credentials' },
      },
    });
    expect(wrong).toEqual(unknown);
    await advance(60_000);
  });

  it('slows down repeated failures and locks the account after the set number', async () => {
    const { password } = await newUser('throttle@test.example');
    const anon = kontor.caller('anon-2');
    const attempt = (p: string) => anon('auth.login', { email: 'throttle@test.example', password: p });
    expect(await attempt('wrong 1')).toMatchObject({ error: { code: 'unauthenticated' } });
    expect(await attempt('wrong 2')).toMatchObject({ error: { code: 'unauthenticated' } });
    // After the second failure the next attempt must wait a second, even with the right password.
    expect(await attempt(password)).toMatchObject({
      error: { code: 'locked', message: expect.stringContaining('try again in 1 s') },
    });
    await advance(1_000);
    expect(await attempt('wrong 3')).toMatchObject({ error: { code: 'unauthenticated' } });
    await advance(2_000);
    expect(await attempt('wrong 4')).toMatchObject({ error: { code: 'unauthenticated' } });
    await advance(4_000);
    const locked = await attempt('wrong 5');
    expect(locked).toMatchObject({ error: { code: 'locked', message: expect.stringMatching(/^locked until /) } });
    expect(await attempt(password)).toMatchObject({ error: { code: 'locked' } });
    await advance(15 * 60_000 + 1);
    expect(await attempt(password)).toMatchObject({ ok: true, value: { state: 'signed_in' } });
    const audit = value<{ items: { action: string }[] }>(await kontor.call('audit.list', { action: 'auth.lockout' }));
    expect(audit.items).toHaveLength(1);
  });

  it('lets an administrator lift a lockout at once, and records who did', async () => {
    const { password } = await newUser('unlockme@test.example');
    const anon = kontor.caller('anon-unlock');
    const attempt = (p: string) => anon('auth.login', { email: 'unlockme@test.example', password: p });
    for (let i = 1; i <= 5; i++) {
      await attempt(`wrong ${i}`);
      await advance(8_000);
    }
    expect(await attempt(password)).toMatchObject({ error: { code: 'locked' } });
    const users = value<{ id: string; email: string; lockedUntil: string | null }[]>(
      await kontor.call('users.list', {}),
    );
    const target = users.find((u) => u.email === 'unlockme@test.example');
    expect(target?.lockedUntil).not.toBeNull();
    const unlocked = value<{ lockedUntil: string | null }>(await kontor.call('users.unlock', { id: target?.id }));
    expect(unlocked.lockedUntil).toBeNull();
    expect(await attempt(password)).toMatchObject({ ok: true, value: { state: 'signed_in' } });
    const audit = value<{ items: { action: string; target: string | null }[] }>(
      await kontor.call('audit.list', { action: 'users.unlocked' }),
    );
    expect(audit.items).toContainEqual(expect.objectContaining({ target: target?.id }));
  });

  it('enrols TOTP, accepts a code once within ±1 step, and a recovery code once', async () => {
    const { as, password } = await newUser('totp@test.example');
    const { secret } = value<{ secret: string; qrSvg: string }>(await as('auth.totpBegin', {}));
    const code = (offsetSteps = 0) => generate({ secret, epoch: Math.floor(now / 1000) + offsetSteps * 30 });
    expect(await as('auth.totpConfirm', { code: '000000' === (await code()) ? '111111' : '000000' })).toMatchObject({
      error: { code: 'validation' },
    });
    const { recoveryCodes } = value<{ recoveryCodes: string[] }>(await as('auth.totpConfirm', { code: await code() }));
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);

    await advance(30_000);
    const anon = kontor.caller('anon-totp');
    const login = (input: object) => anon('auth.login', { email: 'totp@test.example', password, ...input });
    expect(await login({})).toEqual({ ok: true, value: { state: 'second_factor_required' } });
    const current = await code();
    expect(await login({ code: current })).toMatchObject({ ok: true, value: { state: 'signed_in' } });
    expect(await login({ code: current })).toMatchObject({
      error: { code: 'unauthenticated', message: 'the code is wrong or was used already' },
    });
    expect(await login({ code: await code(1) })).toMatchObject({ ok: true }); // one step ahead: still accepted
    expect(await login({ code: await code(3) })).toMatchObject({ error: { code: 'unauthenticated' } }); // too far
    await advance(120_000);
    expect(await login({ code: recoveryCodes[0] })).toMatchObject({ ok: true });
    await advance(120_000);
    expect(await login({ code: recoveryCodes[0] })).toMatchObject({ error: { code: 'unauthenticated' } });
    await advance(120_000);
  });

  it('stores TOTP secrets encrypted', async () => {
    const rows = await kontor.stores.system.sql.rows(
      (await import('drizzle-orm'))
        .sql`SELECT totp_secret FROM ${kontor.stores.system.sql.table('users')} WHERE totp_secret IS NOT NULL`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(String(row['totp_secret'])).toMatch(/^v1:/);
  });

  it('signs out every other session on a password change', async () => {
    const { as, password } = await newUser('change@test.example');
    const other = kontor.caller('change-other');
    value(await other('auth.login', { email: 'change@test.example', password }));
    // Outside the forced change the current password is required.
    expect(await as('auth.changePassword', { next: 'a brand new password' })).toMatchObject({
      error: { code: 'validation', details: { issues: [{ path: 'current', rule: 'required' }] } },
    });
    value(await as('auth.changePassword', { current: password, next: 'a brand new password' }));
    expect(await other('customers.list', {})).toMatchObject({ error: { code: 'unauthenticated' } });
    expect(await as('customers.list', {})).toMatchObject({ ok: true });
  });

  it('says when a requested code waits for a mail server instead of claiming it was sent', async () => {
    const { as } = await newUser('waiting@test.example');
    expect(await as('auth.requestVerification', {})).toEqual({ ok: true, value: { sent: true, mailServer: false } });
  });

  it('does not ask again for the password a user just signed in with to change it as required', async () => {
    const email = 'forced@test.example';
    value(await kontor.call('users.create', { email, name: 'F', roleId: 'clerk', password: 'initial password 2' }));
    const as = kontor.caller(`forced-${now}`);
    value(await as('auth.login', { email, password: 'initial password 2' }));
    expect(await as('auth.changePassword', { next: 'my very own password' })).toMatchObject({
      ok: true,
      value: { state: 'signed_in', mustChangePassword: false },
    });
    expect(
      await kontor.caller('forced-again')('auth.login', { email, password: 'my very own password' }),
    ).toMatchObject({
      ok: true,
    });
  });

  it('locks an idle session, keeps it, and unlocks it with the password; ends it after the absolute timeout', async () => {
    const { as, password } = await newUser('idle@test.example');
    await advance(16 * 60_000);
    expect(await as('customers.list', {})).toMatchObject({
      error: { code: 'locked', details: { reason: 'session_locked' } },
    });
    expect(await as('auth.status', {})).toMatchObject({ value: { state: 'signed_in', locked: true } });
    expect(await as('auth.unlock', { password: 'wrong password' })).toMatchObject({
      error: { code: 'unauthenticated' },
    });
    expect(await as('auth.unlock', { password })).toMatchObject({ value: { locked: false } });
    expect(await as('customers.list', {})).toMatchObject({ ok: true });
    for (let i = 0; i < 13; i++) {
      await advance(60 * 60_000 - 1);
      await as('auth.status', {});
    }
    expect(await as('customers.list', {})).toMatchObject({ error: { code: 'unauthenticated' } });
  });

  it('ends the sessions of a deactivated user and refuses their sign-in', async () => {
    const { as, password } = await newUser('gone@test.example');
    const users = value<{ id: string; email: string }[]>(await kontor.call('users.list', {}));
    const id = users.find((u) => u.email === 'gone@test.example')?.id ?? '';
    value(await kontor.call('users.deactivate', { id }));
    expect(await as('customers.list', {})).toMatchObject({ error: { code: 'unauthenticated' } });
    const again = await kontor.caller('gone-again')('auth.login', { email: 'gone@test.example', password });
    expect(again).toMatchObject({ error: { code: 'forbidden', message: expect.stringContaining('deactivated') } });
    value(await kontor.call('users.reactivate', { id }));
    expect(await kontor.caller('gone-back')('auth.login', { email: 'gone@test.example', password })).toMatchObject({
      ok: true,
    });
  });

  it('keeps the last active administrator', async () => {
    const users = value<{ id: string; email: string }[]>(await kontor.call('users.list', {}));
    const admin = users.find((u) => u.email === TEST_ADMIN.email)?.id ?? '';
    expect(await kontor.call('users.deactivate', { id: admin })).toMatchObject({ error: { code: 'conflict' } });
    expect(await kontor.call('users.update', { id: admin, roleId: 'clerk' })).toMatchObject({
      error: { code: 'conflict' },
    });
    const { as } = await newUser('second-admin@test.example', 'administrator');
    expect(await as('users.update', { id: admin, roleId: 'manager' })).toMatchObject({
      ok: true,
      value: { roleName: 'Manager' },
    });
    // The first admin is a Manager now: users.manage is gone at once.
    expect(await kontor.call('users.list', {})).toMatchObject({ error: { code: 'forbidden' } });
    value(await as('users.update', { id: admin, roleId: 'administrator' }));
    expect(await kontor.call('users.list', {})).toMatchObject({ ok: true });
  });

  it('rejects a password equal to the email or the company name', async () => {
    const asEmail = await kontor.call('users.create', {
      email: 'same-as-password@x.example',
      name: 'S',
      roleId: 'clerk',
      password: 'same-as-password@x.example',
    });
    expect(asEmail).toMatchObject({
      error: { code: 'validation', details: { issues: [{ path: 'password', rule: 'not_email' }] } },
    });
    const company = value<{ id: string }>(await kontor.call('tenants.setup', { name: 'Lange Firmenbezeichnung AG' }));
    value(await kontor.call('auth.switchTenant', { tenantId: company.id }));
    const asCompany = await kontor.call('users.create', {
      email: 'c@x.example',
      name: 'C',
      roleId: 'clerk',
      password: 'lange firmenbezeichnung ag',
    });
    expect(asCompany).toMatchObject({ error: { code: 'validation', details: { issues: [{ rule: 'not_company' }] } } });
    const status = value<{ memberships: { tenantId: string; tenantName: string }[] }>(
      await kontor.call('auth.status', {}),
    );
    const home = status.memberships.find((m) => m.tenantName === TEST_ADMIN.company);
    value(await kontor.call('auth.switchTenant', { tenantId: home?.tenantId ?? '' }));
    const short = await kontor.call('users.create', {
      email: 'c@x.example',
      name: 'C',
      roleId: 'clerk',
      password: 'short',
    });
    expect(short).toMatchObject({
      error: { code: 'validation', details: { issues: [{ path: 'password', rule: 'min' }] } },
    });
  });

  it('keeps a custom role to its permissions, and the router enforces them', async () => {
    const role = value<{ id: string }>(
      await kontor.call('roles.create', { name: 'Auditor', permissions: ['audit.read'] }),
    );
    const { as } = await newUser('auditor@test.example', role.id);
    expect(await as('audit.list', {})).toMatchObject({ ok: true });
    expect(await as('audit.verify', {})).toMatchObject({ error: { code: 'forbidden' } });
    expect(await as('customers.list', {})).toMatchObject({ error: { code: 'forbidden' } });
    expect(await kontor.call('roles.delete', { id: role.id })).toMatchObject({ error: { code: 'conflict' } });
    expect(await kontor.call('roles.update', { id: 'clerk', permissions: [] })).toMatchObject({
      error: { code: 'forbidden' },
    });
  });

  it('keeps the audit chain intact through all of the above', async () => {
    expect(await kontor.call('audit.verify', {})).toMatchObject({ ok: true, value: { ok: true, firstBroken: null } });
  });
});
