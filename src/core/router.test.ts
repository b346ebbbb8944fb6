import { describe, expect, it } from 'vitest';
import { procedureNames } from '../shared/contract';
import { createRouter, type Handlers } from './router';
import { permissions } from '../shared/contract';
import type { Session, SessionResolver } from './session';
import { quietLogger } from './db/testing';

type Calls = string[];

/** Handlers that record being called; tests replace the ones they exercise. */
function recordingHandlers(calls: Calls, overrides: Partial<Handlers> = {}): Handlers {
  const base = Object.fromEntries(
    procedureNames.map((name) => [
      name,
      async () => {
        calls.push(name);
        throw new Error(`${name} is not part of this test`);
      },
    ]),
  ) as unknown as Handlers;
  return { ...base, ...overrides };
}

const adminSession: Session = {
  id: 's1',
  userId: 'u1',
  userName: 'Ada Admin',
  email: 'ada@example.com',
  tenantId: '00000000-0000-7000-8000-000000000000',
  permissions: new Set(permissions),
  locked: false,
  mustChangePassword: false,
  mustEnrollTwoFactor: false,
  passwordStamp: '2026-01-01T00:00:00.000Z',
};
const as = (session: Session): SessionResolver => ({ resolve: async () => session });
const admin = as(adminSession);

function sessionWithout(...missing: string[]): SessionResolver {
  return as({ ...adminSession, permissions: new Set(permissions.filter((p) => !missing.includes(p))) });
}

describe('router', () => {
  it('refuses text no store keeps as sent (NUL, a lone surrogate) as a field error, search text excepted', async () => {
    const calls: Calls = [];
    const router = createRouter({
      handlers: recordingHandlers(calls, {
        'customers.create': async () => {
          throw new Error('must not be reached');
        },
        'customers.list': async () => {
          calls.push('customers.list');
          throw new Error('the search was let through');
        },
      }),
      sessions: admin,
      logger: quietLogger,
    });
    for (const name of ['Nul\u0000 GmbH', 'M\uD800ller', '\uDC00']) {
      const result = await router.call('customers.create', { name });
      expect(result).toMatchObject({
        ok: false,
        error: { code: 'validation', details: { issues: [{ path: 'name', rule: 'text' }] } },
      });
    }
    expect(
      await router.call('customers.create', { name: 'Köln GmbH', billingAddress: { city: 'K\u0000ln' } }),
    ).toMatchObject({
      ok: false,
      error: { details: { issues: [{ path: 'billingAddress.city' }] } },
    });
    // Pairs are whole characters: accepted (and refused only by the handler of this test).
    expect(await router.call('customers.create', { name: 'Emoji 🙂 GmbH' })).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
    const searched = await router.call('customers.list', { search: 'a\u0000\uD800' });
    expect(searched.ok || searched.error.code !== 'validation').toBe(true);
    expect(calls).toEqual(['customers.list']);
  });

  it('rejects an unknown procedure name without calling any handler', async () => {
    const calls: Calls = [];
    const router = createRouter({ handlers: recordingHandlers(calls), sessions: admin, logger: quietLogger });
    const result = await router.call('customers.drop', {});
    expect(result).toEqual({ ok: false, error: { code: 'not_found', message: "unknown procedure 'customers.drop'" } });
    expect(await router.call('__proto__', {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await router.call('toString', {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(calls).toEqual([]);
  });

  it('rejects bad input with field issues before the handler runs', async () => {
    const calls: Calls = [];
    const router = createRouter({ handlers: recordingHandlers(calls), sessions: admin, logger: quietLogger });
    const result = await router.call('customers.create', { kind: 'robot', email: 'not-an-email', extra: 1 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('validation');
    const issues = result.error.details?.issues ?? [];
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'kind', rule: 'one_of' }),
        expect.objectContaining({ path: 'email', rule: 'email' }),
        expect.objectContaining({ path: '', rule: 'unknown_field' }),
      ]),
    );
    expect(calls).toEqual([]);
  });

  it('names a missing required field as required', async () => {
    const router = createRouter({ handlers: recordingHandlers([]), sessions: admin, logger: quietLogger });
    const result = await router.call('customers.create', {});
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'validation', details: { issues: [{ path: 'name', rule: 'required' }] } },
    });
  });

  it('returns forbidden when the session lacks the permission, and does not call the handler', async () => {
    const calls: Calls = [];
    const router = createRouter({
      handlers: recordingHandlers(calls),
      sessions: sessionWithout('customers.write'),
      logger: quietLogger,
    });
    const result = await router.call('customers.create', { name: 'Ada' });
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(result.ok ? '' : result.error.message).toContain('customers.write');
    expect(calls).toEqual([]);
  });

  it('returns unauthenticated when there is no session, but runs anonymous procedures', async () => {
    const calls: Calls = [];
    const router = createRouter({
      handlers: recordingHandlers(calls, { 'system.ping': async () => ({ pong: true as const }) }),
      sessions: { resolve: async () => null },
      logger: quietLogger,
    });
    expect(await router.call('customers.list', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(await router.call('app.info', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(await router.call('system.ping', {})).toEqual({ ok: true, value: { pong: true } });
    expect(calls).toEqual([]);
  });

  it('lets a locked session call only what works while locked', async () => {
    const calls: Calls = [];
    const router = createRouter({
      handlers: recordingHandlers(calls),
      sessions: as({ ...adminSession, locked: true }),
      logger: quietLogger,
    });
    expect(await router.call('customers.list', {})).toMatchObject({
      ok: false,
      error: { code: 'locked', details: { reason: 'session_locked' } },
    });
    await router.call('auth.unlock', { password: 'x' });
    expect(calls).toEqual(['auth.unlock']);
  });

  it('sends a user who must change the password to do that first', async () => {
    const calls: Calls = [];
    const router = createRouter({
      handlers: recordingHandlers(calls),
      sessions: as({ ...adminSession, mustChangePassword: true }),
      logger: quietLogger,
    });
    expect(await router.call('customers.list', {})).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: expect.stringContaining('password change required') },
    });
    await router.call('auth.changePassword', { current: 'a', next: 'a long new password' });
    expect(calls).toEqual(['auth.changePassword']);
  });

  it('tells the audit hook about a refused permission', async () => {
    const denied: string[] = [];
    const router = createRouter({
      handlers: recordingHandlers([]),
      sessions: sessionWithout('users.manage'),
      logger: quietLogger,
      onForbidden: async (session, name) => {
        denied.push(`${session.email} ${name}`);
      },
    });
    await router.call('users.list', {});
    expect(denied).toEqual(['ada@example.com users.list']);
  });

  it('turns output that violates its schema into an internal error and logs it', async () => {
    const logged: string[] = [];
    const router = createRouter({
      handlers: recordingHandlers([], {
        'system.ping': async () => ({ pong: false }) as unknown as { pong: true },
      }),
      sessions: admin,
      logger: { ...quietLogger, error: (message) => logged.push(message) },
    });
    const result = await router.call('system.ping', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(logged).toEqual(['procedure output violates its schema']);
  });

  it('hides the details of unexpected errors from the caller', async () => {
    const router = createRouter({
      handlers: recordingHandlers([], {
        'system.ping': async () => {
          throw new Error('secret stack detail');
        },
      }),
      sessions: admin,
      logger: quietLogger,
    });
    const result = await router.call('system.ping', {});
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'internal error in system.ping' } });
  });

  it('passes parsed input with defaults to the handler and returns its value', async () => {
    let seen: unknown;
    const router = createRouter({
      handlers: recordingHandlers([], {
        'customers.list': async (input) => {
          seen = input;
          return { items: [], total: 0, exact: true, limit: input.limit, position: input.position, next: null };
        },
      }),
      sessions: admin,
      logger: quietLogger,
    });
    const result = await router.call('customers.list', { search: '  ada  ' });
    expect(seen).toEqual({ search: 'ada', sort: 'name', direction: 'asc', limit: 50, position: 0 });
    expect(result).toEqual({
      ok: true,
      value: { items: [], total: 0, exact: true, limit: 50, position: 0, next: null },
    });
  });
});
