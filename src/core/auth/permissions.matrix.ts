// Every procedure of the contract against every built-in role, the installation administrator and
// an administrator of another company: exactly the permitted calls get past the permission check,
// the others answer forbidden and change nothing. Run in-process on every dialect
// (permissions.matrix.test.ts) and over the Kontor server's HTTP (src/server/matrix.test.ts).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  builtinRoleIds,
  builtinRoles,
  contract,
  grants,
  INSTALLATION_ADMIN,
  permissions,
  type ProcedureName,
} from '../../shared/contract';
import type { Caller, TestKontor } from '../db/testing';

const UNKNOWN_ID = '0190b6a4-7c2e-7000-8000-000000000000';

/** A valid input for each procedure that needs a permission (made-up ids answer not_found). */
const inputs: Partial<Record<ProcedureName, unknown>> = {
  'customers.create': { name: 'Matrix Kunde' },
  'customers.get': { id: UNKNOWN_ID },
  'customers.update': { id: UNKNOWN_ID, changes: { billingAddress: { city: 'Bonn' } } },
  'customers.setStatus': { id: UNKNOWN_ID, status: 'active', reason: 'x' },
  'customers.list': {},
  'customers.delete': { id: UNKNOWN_ID },
  'customers.duplicates': { fields: { name: 'Matrix Kunde' } },
  // No file was granted: allowed callers get not_found, which the matrix counts as "let through".
  'customers.inspectImport': { fileId: 'no-such-file' },
  'customers.import': { fileId: 'no-such-file' },
  'customers.export': { fileId: 'no-such-file', format: 'csv' },
  'customers.importMappings': {},
  'customers.owners': {},
  'customers.saveImportMapping': { name: 'Matrix', mapping: { Firma: 'name' } },
  'customers.deleteImportMapping': { name: 'Matrix' },
  'system.check': {},
  'settings.getDatabase': {},
  'settings.setDatabase': { kind: 'sqlite' },
  'settings.testServer': { url: 'http://127.0.0.1:9' },
  'tenants.setup': { name: 'Matrix Neben GmbH' },
  'tenants.list': {},
  // The test company (filled in below): its administrators may, others may not.
  'tenants.rename': { id: '', name: 'Test GmbH' },
  'tenants.archive': { id: '', archived: true },
  'users.list': {},
  'users.create': { email: 'matrix-new@test.example', name: 'New', roleId: 'viewer', password: 'matrix new password' },
  'users.update': { id: UNKNOWN_ID, name: 'Nobody' },
  'users.deactivate': { id: UNKNOWN_ID },
  'users.reactivate': { id: UNKNOWN_ID },
  'users.resetPassword': { id: UNKNOWN_ID, password: 'matrix reset password' },
  'users.resetTwoFactor': { id: UNKNOWN_ID },
  'users.setInstallationAdmin': { id: UNKNOWN_ID, installationAdmin: true },
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
  'mail.remove': { id: UNKNOWN_ID },
  'users.unlock': { id: UNKNOWN_ID },
  'events.list': {},
  'events.replay': {},
  'customers.history': { id: UNKNOWN_ID },
  'customers.bulk': { ids: [UNKNOWN_ID], action: { kind: 'addTags', tags: ['matrix'] } },
  'customers.merge': { sourceId: UNKNOWN_ID, targetId: '0190b6a4-7c2e-7000-8000-000000000001' },
  'customers.views': {},
  'customers.saveView': { name: 'Matrix', query: { status: ['lead'] }, columns: ['name'] },
  'customers.deleteView': { name: 'Matrix' },
  'contacts.list': { customerId: UNKNOWN_ID },
  'contacts.add': { customerId: UNKNOWN_ID, fields: { name: 'Matrix Kontakt' } },
  'contacts.update': { id: UNKNOWN_ID, changes: { role: 'Einkauf' } },
  'contacts.remove': { id: UNKNOWN_ID },
  'contacts.export': { id: UNKNOWN_ID },
  'contacts.erase': { id: UNKNOWN_ID },
  'activities.list': { customerId: UNKNOWN_ID },
  'activities.log': { customerId: UNKNOWN_ID, fields: { kind: 'note', subject: 'Matrix' } },
  'activities.update': { id: UNKNOWN_ID, changes: { subject: 'Matrix' } },
  'activities.complete': { id: UNKNOWN_ID, done: true },
  'activities.remove': { id: UNKNOWN_ID },
  'activities.myTasks': {},
  'sales.create': {
    fields: {
      kind: 'invoice',
      customerId: UNKNOWN_ID,
      date: '2026-01-02',
      lines: [{ description: 'M', unitPrice: 1, vatRate: 0 }],
    },
  },
  'sales.get': { id: UNKNOWN_ID },
  'sales.list': {},
  'sales.update': { id: UNKNOWN_ID, changes: { date: '2026-01-02' } },
  'sales.issue': { id: UNKNOWN_ID },
  'sales.setPaid': { id: UNKNOWN_ID, paid: true },
  'sales.cancel': { id: UNKNOWN_ID },
  'sales.credit': { id: UNKNOWN_ID },
  'sales.inspectImport': { fileId: 'no-such-file' },
  'sales.import': { fileId: 'no-such-file' },
  'analytics.fit': {},
  'analytics.refresh': {},
  'analytics.status': {},
  'analytics.breakdown': {},
  'analytics.customer': { customerId: UNKNOWN_ID },
  'analytics.segmentRules': {},
  'analytics.setSegmentRules': { rules: null },
  'analytics.customers': {},
  'gdpr.export': { customerId: UNKNOWN_ID },
  'gdpr.erase': { customerId: UNKNOWN_ID },
  'retention.get': {},
  'retention.set': { inactiveYears: 10 },
  'retention.run': {},
  'keys.status': {},
  'keys.rotate': {},
  'keys.exportBackup': { password: 'a changed password 1', passphrase: 'matrix backup passphrase' },
  'backups.status': {},
  'backups.list': {},
  'backups.create': {},
  'backups.verify': { name: 'kontor-2026-01-01T000000.000Z-manual.kontorbackup' },
  'backups.prune': {},
  'backups.configure': { folder: null, schedule: 'off' },
};

const guarded = (Object.keys(contract) as ProcedureName[]).filter(
  (name) => contract[name].permission !== 'anonymous' && contract[name].permission !== 'authenticated',
);
/** Acts on the test company by id: allowed to whoever administers it, not to an administrator of another. */
const onTheTestCompany = new Set<ProcedureName>(['tenants.rename', 'tenants.archive']);
/** The sample input changes an installation-wide limit: installation administrators only. */
const installationWideInput = new Set<ProcedureName>(['security.set']);

interface MatrixCaller {
  readonly label: string;
  readonly grants: ReadonlySet<string>;
  /** Works in another company than the test company. */
  readonly otherCompany: boolean;
  call?: Caller;
}

const matrixCallers = (): MatrixCaller[] => [
  ...builtinRoleIds.map((role) => ({
    label: `a ${builtinRoles[role].name} of the company`,
    grants: new Set<string>(builtinRoles[role].permissions),
    otherCompany: false,
  })),
  { label: 'the installation administrator', grants: new Set<string>(grants), otherCompany: false },
  { label: 'an administrator of another company', grants: new Set<string>(permissions), otherCompany: true },
];

function expectedAllowed(caller: MatrixCaller, name: ProcedureName): boolean {
  const installationAdmin = caller.grants.has(INSTALLATION_ADMIN);
  if (installationWideInput.has(name) && !installationAdmin) return false;
  if (onTheTestCompany.has(name) && caller.otherCompany && !installationAdmin) return false;
  return caller.grants.has(contract[name].permission);
}

/** The matrix as a suite of tests, on the installation `open` makes. */
export function describePermissionMatrix(title: string, open: () => Promise<TestKontor>): void {
  describe(title, () => {
    let kontor: TestKontor;
    const callersUnderTest = matrixCallers();

    beforeAll(async () => {
      kontor = await open();
      const testCompany = (await kontor.currentStore()).tenantId;
      inputs['tenants.rename'] = { id: testCompany, name: 'Test GmbH' };
      inputs['tenants.archive'] = { id: testCompany, archived: true };
      for (const [i, role] of builtinRoleIds.entries()) {
        const entry = callersUnderTest[i];
        if (entry) entry.call = await kontor.signInAs(role);
      }
      const installation = callersUnderTest.find((c) => c.label === 'the installation administrator');
      if (installation) installation.call = kontor.call;
      // The administrator of another company: made there by the installation administrator.
      const other = await kontor.call('tenants.setup', { name: 'Andere Firma GmbH' });
      if (!other.ok) throw new Error(other.error.message);
      const otherId = (other.value as { id: string }).id;
      await kontor.call('auth.switchTenant', { tenantId: otherId });
      const otherAdmin = callersUnderTest.find((c) => c.otherCompany);
      if (otherAdmin) otherAdmin.call = await kontor.signInAs('administrator', 'other-admin@test.example');
      await kontor.call('auth.switchTenant', { tenantId: testCompany });
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

    for (const caller of callersUnderTest) {
      it(`lets ${caller.label} call exactly what they may`, async () => {
        const as = caller.call;
        if (!as) throw new Error('no caller');
        for (const name of guarded) {
          const allowed = expectedAllowed(caller, name);
          const before = allowed ? '' : await snapshot();
          const result = await as(name, inputs[name]);
          if (allowed) {
            expect(result.ok ? 'ok' : result.error.code, `${caller.label}: ${name}`).not.toBe('forbidden');
          } else {
            expect(result.ok ? 'ok' : result.error.code, `${caller.label}: ${name}`).toBe('forbidden');
            expect(await snapshot(), `${caller.label}: ${name} changed something`).toBe(before);
          }
        }
      });
    }
  });
}
