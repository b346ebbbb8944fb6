// One settings store per scope: the installation's in the system store, a company's in its own
// store. Company settings older versions kept in the installation's settings move on first open.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestKontor, testDialects, type TestKontor, value } from '../db/testing';
import { createSettingsStore } from './settings.store';

describe.each(testDialects)('settings stores on %s', (dialect) => {
  let kontor: TestKontor;
  beforeAll(async () => {
    kontor = await openTestKontor(dialect);
  });
  afterAll(async () => kontor.dispose());

  it('reads a value back through its schema; another shape reads as absent', async () => {
    const settings = createSettingsStore(kontor.stores.system.sql);
    await settings.set('test.value', { n: 1 });
    expect(await settings.get('test.value', z.object({ n: z.number() }))).toEqual({ n: 1 });
    expect(await settings.get('test.value', z.object({ n: z.string() }))).toBeUndefined();
    await settings.set('test.value', { n: 2 });
    expect(await settings.get('test.value', z.object({ n: z.number() }))).toEqual({ n: 2 });
    expect(await settings.has('test.value')).toBe(true);
    await settings.delete('test.value');
    expect(await settings.has('test.value')).toBe(false);
  });

  it("keeps a company's retention rule in the company's store", async () => {
    value(await kontor.call('retention.set', { inactiveYears: 10 }));
    const store = await kontor.currentStore();
    const rows = await store.sql.rows(sql`SELECT key, value FROM ${store.sql.table('settings')}`);
    expect(rows).toContainEqual({ key: 'retention', value: JSON.stringify({ inactiveYears: 10 }) });
    const system = createSettingsStore(kontor.stores.system.sql);
    expect(await system.has(`retention.tenant.${store.tenantId}`)).toBe(false);
  });

  it('moves a rule an older version kept in the installation settings into the company, once', async () => {
    const company = value<{ id: string }>(await kontor.call('tenants.setup', { name: 'Altbestand GmbH' }));
    const system = createSettingsStore(kontor.stores.system.sql);
    await system.set(`retention.tenant.${company.id}`, { inactiveYears: 7 });
    value(await kontor.call('auth.switchTenant', { tenantId: company.id }));
    expect(value(await kontor.call('retention.get', {}))).toEqual({ inactiveYears: 7 });
    expect(await system.has(`retention.tenant.${company.id}`)).toBe(false);
  });
});
