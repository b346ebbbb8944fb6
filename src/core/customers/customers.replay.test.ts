// A replay writes the search index in sorted runs after the rows (customers.repo.sql.ts): customers
// that change on a later page of the log than their creation — renamed, deleted, erased, given a
// contact — must end up with exactly the words the commands gave them; on every dialect.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerPage, ImportResult } from '../../shared/contract';
import type { Result } from '../../shared/errors';
import { openTestKontor, testDialects, type TestKontor, value } from '../db/testing';
import { wordRuns } from './customers.repo.sql';

/** More customers than a replay's page of events (1,000), so later changes land on another page. */
const CUSTOMERS = 1_050;

describe.each(testDialects)('replay of the search index on %s', (dialect) => {
  let kontor: TestKontor;
  let dir: string;
  const call = async <T>(name: string, input: unknown) => value<T>((await kontor.call(name, input)) as Result<T>);

  beforeAll(async () => {
    // Runs smaller than a page: the first page's words are in the table before the changes come.
    wordRuns.wordsPerRun = 500;
    kontor = await openTestKontor(dialect);
    dir = mkdtempSync(join(tmpdir(), 'kontor-replay-words-'));
  });
  afterAll(async () => {
    wordRuns.wordsPerRun = 200_000;
    await kontor.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives customers changed on later pages of the log the words the commands gave them', async () => {
    const path = join(dir, 'customers.csv');
    const rows = Array.from({ length: CUSTOMERS }, (_, i) => `Kunde ${i};Ort${i % 7}`);
    writeFileSync(path, ['Firma;Ort', ...rows].join('\n'));
    const fileId = kontor.files.grant('test-admin', path, 'read');
    expect((await call<ImportResult>('customers.import', { fileId })).imported).toBe(CUSTOMERS);

    const find = async (search: string) =>
      (await call<CustomerPage>('customers.list', { search, limit: 5 })).items.map((c) => c.name);
    // The first customers by number, in the order of the file (and of the log).
    const first = (await call<CustomerPage>('customers.list', { sort: 'number', limit: 10 })).items;
    expect(first.map((c) => c.name).slice(3, 8)).toEqual(['Kunde 3', 'Kunde 4', 'Kunde 5', 'Kunde 6', 'Kunde 7']);
    const [renamed, deleted, erased, withContact, twice] = first.slice(3, 8).map((c) => c.id);
    // All of these were created on the first page of the log; their changes come after it.
    await call('customers.update', { id: renamed, changes: { name: 'Umbenannt Nordlicht' } });
    await call('customers.delete', { id: deleted });
    await call('gdpr.erase', { customerId: erased });
    await call('contacts.add', { customerId: withContact, fields: { name: 'Zora Kontaktfrau' } });
    await call('customers.update', { id: twice, changes: { tags: ['Messe'] } });
    await call('customers.update', { id: twice, changes: { name: 'Zweimal Geändert' } });

    const store = await kontor.stores.tenant((await call<{ tenant: { id: string } }>('auth.status', {})).tenant.id);
    const words = () =>
      store.sql.rows(
        sql`SELECT * FROM ${store.sql.table('customer_words')} ORDER BY rank, word, sort_key, customer_id`,
      );
    const before = await words();
    await call('events.replay', {});
    expect(await words()).toEqual(before);

    expect(await find('Nordlicht')).toEqual(['Umbenannt Nordlicht']);
    expect(await find('Zora')).toEqual(['Kunde 6']);
    expect(await find('zweimal messe')).toEqual(['Zweimal Geändert']);
    expect(await find('Kunde 3')).not.toContain('Kunde 3');
    expect(await find('Kunde 1049')).toContain('Kunde 1049');
    expect(before.filter((w) => [deleted, erased].includes(String(w['customer_id'])))).toEqual([]);
  });
});
