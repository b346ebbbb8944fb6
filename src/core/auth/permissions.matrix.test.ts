// Every procedure of the contract against every built-in role: exactly the permitted calls get
// past the permission check, the others answer forbidden and change nothing.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRoleIds, builtinRoles, contract, type ProcedureName } from '../../shared/contract';
import { openTestKontor, testDialects, type Caller, type TestKontor } from '../db/testing';

const UNKNOWN_ID = '0190b6a4-7c2e-7000-8000-000000000000';

/** A valid input for each procedure that needs a permission (made-up ids answer not_found). */
const inputs: Partial<Record<ProcedureName, unknown>> = {
  'customers.create': { name: 'Matrix Kunde' },
  'customers.get': { id: UNKNOWN_ID },
  'customers.update': { id: UNKNOWN_ID, changes: { city: 'Bonn' } },
  'customers.list': {},
  'system.check': {},
  'settings.getDatabase': {},
  'settings.setDatabase': { kind: 'sqlite' },
  'tenants.setup': { name: 'Matrix Neben GmbH' },
  'tenants.list': {},
  'tenants.rename': { id: UNKNOWN_ID, name: 'Renamed GmbH' },
  'tenants.archive': { id: UNKNOWN_ID, archived: true },
  'users.list': {},
  'users.create': { email: 'matrix-new@test.example', name: 'New', roleId: 'viewer', password: 'matrix new password' },
  'users.update': { id: UNKNOWN_ID, name: 'Nobody' },
  'users.deactivate': { id: UNKNOWN_ID },
  'users.reactivate': { id: UNKNOWN_ID },
  'users.resetPassword': { id: UNKNOWN_ID, password: 'matrix reset password' },
  'roles.list': {},
  'roles.create': { name: 'Matrix Role', permissions: ['customers.read'] },
  'roles.update': { id: UNKNOWN_ID, name: 'Renamed' },
  'roles.delete': { id: UNKNOWN_ID },
  'security.get': {},
  'security.set': { lockoutMinutes: 15 },
  'audit.list': {},
  'audit.verify': {},
  'mail.getSettings': {},
  // Port 1 on loopback refuses at once, so the test mail fails fast for whoever may send it.
  'mail.setSettings': { host: '127.0.0.1', port: 1, security: 'none', from: 'kontor@test.example' },
  'mail.sendTest': { to: 'it@test.example' },
  'mail.outbox': {},
  'mail.retry': { id: UNKNOWN_ID },
  'events.list': {},
  'events.replay': {},
  'customers.history': { id: UNKNOWN_ID },
  'gdpr.export': { customerId: UNKNOWN_ID },
  'gdpr.erase': { customerId: UNKNOWN_ID },
  'retention.get': {},
  'retention.set': { inactiveYears: 10 },
  'retention.run': {},
  'keys.status': {},
  'keys.rotate': {},
  'keys.exportBackup': { passphrase: 'matrix backup passphrase' },
};

const guarded = (Object.keys(contract) as ProcedureName[]).filter(
  (name) => contract[name].permission !== 'anonymous' && contract[name].permission !== 'authenticated',
);

describe.each(testDialects)('permission matrix on %s', (dialect) => {
  let kontor: TestKontor;
  const callers = new Map<string, Caller>();

  beforeAll(async () => {
    kontor = await openTestKontor(dialect);
    for (const role of builtinRoleIds) callers.set(role, await kontor.signInAs(role));
  });
  afterAll(async () => kontor.dispose());

  /** Everything a refused call could have changed, except the audit entries of refusals. */
  async function snapshot(): Promise<string> {
    const db = kontor.stores.system.sql;
    const tables = ['users', 'memberships', 'roles', 'tenants', 'settings'];
    const parts = await Promise.all(tables.map((t) => db.rows(sql`SELECT * FROM ${db.table(t)} ORDER BY 1`)));
    const audit = await db.rows(
      sql`SELECT action FROM ${db.table('audit_log')} WHERE action <> 'permission.denied' ORDER BY seq`,
    );
    const customers = await kontor.call('customers.list', {});
    return JSON.stringify([parts, audit, customers]);
  }

  it('has a sample input for every guarded procedure', () => {
    expect(guarded.filter((name) => !(name in inputs))).toEqual([]);
  });

  for (const role of builtinRoleIds) {
    it(`lets a ${builtinRoles[role].name} call exactly what the role permits`, async () => {
      const as = callers.get(role);
      if (!as) throw new Error('no caller');
      const permitted = new Set<string>(builtinRoles[role].permissions);
      for (const name of guarded) {
        const allowed = permitted.has(contract[name].permission);
        const before = allowed ? '' : await snapshot();
        const result = await as(name, inputs[name]);
        if (allowed) {
          expect(result.ok ? 'ok' : result.error.code, `${role} ${name}`).not.toBe('forbidden');
        } else {
          expect(result.ok ? 'ok' : result.error.code, `${role} ${name}`).toBe('forbidden');
          expect(await snapshot(), `${role} ${name} changed something`).toBe(before);
        }
      }
    });
  }
});
