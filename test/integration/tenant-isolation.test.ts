// Tenant isolation, as a property: whatever two companies' users do, in any order, no procedure
// called in one company returns, counts or changes anything of the other. Both dialects, and over
// the Kontor server's HTTP (a desk's remote transport in front of the core on Postgres).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/shared/errors';
import { openTestKontor, testDialects, type Caller, type TestKontor } from '../../src/core/db/testing';
import { httpTransport } from '../../src/server/testing';

function value<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

type Company = 'A' | 'B';
const op = fc.record({
  by: fc.constantFrom<Company>('A', 'B'),
  kind: fc.constantFrom('create', 'update', 'get', 'history', 'list', 'events', 'export', 'erase'),
  pick: fc.nat(),
  name: fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim() !== ''),
});

const setups: [string, () => Promise<TestKontor>][] = [
  ...testDialects.map((dialect): [string, () => Promise<TestKontor>] => [dialect, () => openTestKontor(dialect)]),
  ['the Kontor server', () => openTestKontor('postgres', { transport: httpTransport })],
];

describe.each(setups)('tenant isolation on %s', (_label, open) => {
  let kontor: TestKontor;
  const as: Partial<Record<Company, Caller>> = {};

  beforeAll(async () => {
    kontor = await open();
    // Administrators of one company each: they may also export and erase (GDPR), but only there.
    as.A = await kontor.signInAs('administrator', 'a@company-a.example');
    const b = value<{ id: string }>(await kontor.call('tenants.setup', { name: 'Company B' }));
    value(await kontor.call('auth.switchTenant', { tenantId: b.id }));
    as.B = await kontor.signInAs('administrator', 'b@company-b.example');
  });
  afterAll(async () => kontor.dispose());

  it('keeps every call inside its own company', async () => {
    const owner = new Map<string, Company>();
    const names: Record<Company, Map<string, string>> = { A: new Map(), B: new Map() };
    const erased = new Set<string>();

    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 15 }), async (ops) => {
        for (const o of ops) {
          const call = as[o.by];
          if (!call) throw new Error('no caller');
          const ids = [...owner.keys()];
          const target = ids.length > 0 ? ids[o.pick % ids.length] : undefined;
          const mine = target !== undefined && owner.get(target) === o.by;
          switch (o.kind) {
            case 'create': {
              const c = value<{ id: string }>(await call('customers.create', { name: `${o.by}:${o.name}` }));
              owner.set(c.id, o.by);
              names[o.by].set(c.id, `${o.by}:${o.name}`.trim());
              break;
            }
            case 'update': {
              if (target === undefined) break;
              const result = await call('customers.update', { id: target, changes: { name: `${o.by}:${o.name}` } });
              if (mine && erased.has(target)) {
                expect(result).toMatchObject({ ok: false, error: { code: 'conflict' } });
              } else if (mine) {
                expect(result.ok).toBe(true);
                names[o.by].set(target, `${o.by}:${o.name}`.trim());
              } else {
                expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
              }
              break;
            }
            case 'get':
            case 'history': {
              if (target === undefined) break;
              const result = await call(o.kind === 'get' ? 'customers.get' : 'customers.history', { id: target });
              if (mine) expect(result.ok).toBe(true);
              else expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
              break;
            }
            case 'list': {
              const page = value<{ items: { id: string; name: string }[]; total: number }>(
                await call('customers.list', { limit: 500 }),
              );
              expect(page.total).toBe(names[o.by].size);
              expect(new Map(page.items.map((c) => [c.id, c.name]))).toEqual(names[o.by]);
              break;
            }
            case 'export': {
              if (target === undefined) break;
              const result = await call('gdpr.export', { customerId: target });
              if (mine) expect(result.ok).toBe(true);
              else expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
              break;
            }
            case 'erase': {
              if (target === undefined) break;
              const result = await call('gdpr.erase', { customerId: target });
              if (!mine) expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
              else if (erased.has(target)) expect(result).toMatchObject({ ok: false, error: { code: 'conflict' } });
              else {
                expect(result.ok).toBe(true);
                erased.add(target);
                names[o.by].set(target, '[erased]');
              }
              break;
            }
            case 'events': {
              // Each reads their company's event log: only their company's streams appear.
              const events = value<{ stream: string }[]>(await call('events.list', { limit: 1000 }));
              for (const e of events) expect(owner.get(e.stream.slice('customer-'.length))).toBe(o.by);
              break;
            }
          }
        }
      }),
      { numRuns: 10 },
    );

    // And the administrator, who belongs to both, sees each company's events only in that company.
    const adminEvents = value<{ stream: string }[]>(await kontor.call('events.list', { limit: 1000 }));
    for (const e of adminEvents) expect(owner.get(e.stream.slice('customer-'.length))).toBe('B');
  });
});
