import { describe, expect, it } from 'vitest';
import { procedureNames } from '../shared/contract';
import { createRouter, type Handlers } from './router';
import { localAdminSession, type Session, type SessionResolver } from './session';
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

const admin: SessionResolver = { resolve: async () => localAdminSession('00000000-0000-7000-8000-000000000000') };

function sessionWithout(...missing: string[]): SessionResolver {
  const full = localAdminSession(null);
  const session: Session = { ...full, permissions: new Set([...full.permissions].filter((p) => !missing.includes(p))) };
  return { resolve: async () => session };
}

describe('router', () => {
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
    const result = await router.call('customers.create', { name: '', email: 'not-an-email', extra: 1 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('validation');
    const issues = result.error.details?.issues ?? [];
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'name', rule: 'required' }),
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

  it('returns unauthenticated when there is no session', async () => {
    const router = createRouter({
      handlers: recordingHandlers([]),
      sessions: { resolve: async () => null },
      logger: quietLogger,
    });
    expect(await router.call('system.ping', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
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
          return { items: [], total: 0, limit: input.limit, offset: input.offset };
        },
      }),
      sessions: admin,
      logger: quietLogger,
    });
    const result = await router.call('customers.list', { search: '  ada  ' });
    expect(seen).toEqual({ search: 'ada', sort: 'name', direction: 'asc', limit: 50, offset: 0 });
    expect(result).toEqual({ ok: true, value: { items: [], total: 0, limit: 50, offset: 0 } });
  });
});
