// Companies: create, rename, archive and restore, on every dialect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestKontor, TEST_ADMIN, testDialects, type TestKontor, value } from '../db/testing';

describe.each(testDialects)('companies on %s', (dialect) => {
  let kontor: TestKontor;
  beforeAll(async () => {
    kontor = await openTestKontor(dialect);
  });
  afterAll(async () => kontor.dispose());

  const memberships = async (call = kontor.call) =>
    value<{ memberships: { tenantName: string }[] }>(await call('auth.status', {})).memberships.map(
      (m) => m.tenantName,
    );

  it('renames a company, refusing a name that is taken', async () => {
    const b = value<{ id: string }>(await kontor.call('tenants.setup', { name: 'Zweite GmbH' }));
    expect(await kontor.call('tenants.rename', { id: b.id, name: 'Zweite Handels GmbH' })).toMatchObject({
      ok: true,
      value: { name: 'Zweite Handels GmbH' },
    });
    expect(await kontor.call('tenants.rename', { id: b.id, name: TEST_ADMIN.company })).toMatchObject({
      error: { code: 'conflict', details: { issues: [{ path: 'name', rule: 'unique' }] } },
    });
    expect(
      await kontor.call('tenants.rename', { id: '0190b6a4-7c2e-7000-8000-000000000000', name: 'X' }),
    ).toMatchObject({
      error: { code: 'not_found' },
    });
    expect(await memberships()).toEqual([TEST_ADMIN.company, 'Zweite Handels GmbH']);
  });

  it('refuses to create a company whose name is taken, also in another case, and creates nothing', async () => {
    const before = value<unknown[]>(await kontor.call('tenants.list', {})).length;
    for (const name of [
      TEST_ADMIN.company,
      TEST_ADMIN.company.toUpperCase(),
      ` ${TEST_ADMIN.company.toLowerCase()} `,
    ]) {
      expect(await kontor.call('tenants.setup', { name })).toMatchObject({
        ok: false,
        error: {
          code: 'conflict',
          details: {
            reason: 'company_name_taken',
            name: TEST_ADMIN.company,
            issues: [{ path: 'name', rule: 'unique' }],
          },
        },
      });
    }
    expect(value<unknown[]>(await kontor.call('tenants.list', {}))).toHaveLength(before);
    const made = value<{ id: string }>(await kontor.call('tenants.setup', { name: 'Vierte KG' }));
    expect(await kontor.call('tenants.rename', { id: made.id, name: 'VIERTE kg' })).toMatchObject({ ok: true });
    expect(await kontor.call('tenants.rename', { id: made.id, name: TEST_ADMIN.company.toUpperCase() })).toMatchObject({
      error: { code: 'conflict', details: { reason: 'company_name_taken' } },
    });
    // The creation and its audit entry were written together.
    const log = value<{ items: { action: string; tenantId: string | null }[] }>(
      await kontor.call('audit.list', { action: 'tenants.created' }),
    );
    expect(log.items.filter((e) => e.tenantId === made.id)).toHaveLength(1);
  });

  it('archives a company: it leaves every company list and its members move on; restoring brings it back', async () => {
    const c = value<{ id: string }>(await kontor.call('tenants.setup', { name: 'Dritte AG' }));
    value(await kontor.call('auth.switchTenant', { tenantId: c.id }));
    const member = await kontor.signInAs('clerk', 'only-in-dritte@test.example');
    expect(await kontor.call('tenants.archive', { id: c.id, archived: true })).toMatchObject({
      error: { code: 'conflict' },
    });

    const home = (await kontor.call('auth.status', {})) as {
      ok: true;
      value: { memberships: { tenantId: string; tenantName: string }[] };
    };
    value(
      await kontor.call('auth.switchTenant', {
        tenantId: home.value.memberships.find((m) => m.tenantName === TEST_ADMIN.company)?.tenantId,
      }),
    );
    const archived = value<{ archivedAt: string | null }>(
      await kontor.call('tenants.archive', { id: c.id, archived: true }),
    );
    expect(archived.archivedAt).not.toBeNull();
    expect(await memberships()).not.toContain('Dritte AG');
    expect(await kontor.call('auth.switchTenant', { tenantId: c.id })).toMatchObject({ error: { code: 'forbidden' } });
    expect(await member('auth.status', {})).toMatchObject({ value: { tenant: null } });
    expect(await member('customers.list', {})).toMatchObject({ error: { code: 'forbidden' } });

    value(await kontor.call('tenants.archive', { id: c.id, archived: false }));
    expect(await memberships()).toContain('Dritte AG');
    expect(await member('auth.status', {})).toMatchObject({ value: { tenant: { name: 'Dritte AG' } } });
  });
});
