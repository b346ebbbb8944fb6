// GDPR on every dialect: erasure by crypto-shredding (checked in the raw files and a dump),
// export of everything about one customer, and retention rules with a dry run.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer, CustomerPage, GdprExport, RetentionReport } from '../../shared/contract';
import { ERASURE_MARKER } from '../../shared/contract';
import { openEncryptedSqlite } from '../db/sqlite';
import { tenantSchemaName } from '../db/pg-stores';
import { tenantDatabaseFile } from '../db/sqlite-stores';
import { memoryKeyStore, openTestKontor, TEST_ADMIN, testDialects, type TestKontor, value } from '../db/testing';
import { keyNames } from '../keys/keystore';

const person = {
  name: 'Zacharias Quellenberg',
  email: 'zq@quellenberg-example.de',
  phone: '+49 171 5550199',
  billingAddress: { city: 'Quellendorf' },
  notes: 'Allergisch gegen Haselnüsse',
};
/** Every personal value, and the folded forms the SQLite projection keeps for search and sort. */
const traces = ['quellenberg', 'quellendorf', '5550199', 'zacharias', 'haselnüsse', 'haselnusse'];

function tracesIn(bytes: Buffer): string[] {
  const text = bytes.toString('utf8').toLowerCase();
  return traces.filter((t) => text.includes(t));
}

describe.each(testDialects)('GDPR on %s', (dialect) => {
  let kontor: TestKontor;
  const keyStore = memoryKeyStore();
  let tick = Date.parse('2020-01-01T00:00:00Z');
  const clock = { now: () => new Date(tick) };
  const call = <T>(name: string, input: unknown) => kontor.call(name, input).then((r) => value<T>(r));

  beforeAll(async () => {
    kontor = await openTestKontor(dialect, { keyStore, clock });
  });
  afterAll(async () => kontor.dispose());

  /** SQLite: the tenant file decrypted (free pages included), plus the raw file and WAL as they are. */
  async function sqliteBytes(): Promise<{ decrypted: Buffer; raw: Buffer; wal: Buffer }> {
    const { tenantId } = await kontor.currentStore();
    const file = tenantDatabaseFile(kontor.dataDir, tenantId);
    const key = await keyStore.getKey(keyNames.tenantDatabase(tenantId));
    if (!key) throw new Error('no tenant key');
    const dir = mkdtempSync(join(tmpdir(), 'kontor-scan-'));
    try {
      const copy = join(dir, 'copy.db');
      copyFileSync(file, copy);
      if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
      const db = openEncryptedSqlite(copy, key);
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.pragma('journal_mode = DELETE');
      db.pragma("rekey = ''");
      db.close();
      return {
        decrypted: readFileSync(copy),
        raw: readFileSync(file),
        wal: existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`) : Buffer.alloc(0),
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Postgres: pg_dump of the tenant's schema on a server, or every row of it on PGlite. */
  async function pgDump(): Promise<Buffer> {
    const { sql: db, tenantId } = await kontor.currentStore();
    const schema = tenantSchemaName(kontor.schemaPrefix ?? '', tenantId);
    const url = process.env['KONTOR_TEST_PG_URL'];
    if (url) return execFileSync('pg_dump', ['--dbname', url, '--schema', schema, '--no-owner']);
    const tables = await db.rows(sql`SELECT table_schema, table_name FROM information_schema.tables
      WHERE table_schema = ${schema} ORDER BY 1, 2`);
    const parts: string[] = [];
    for (const t of tables) {
      const name = sql.raw(`"${String(t['table_schema'])}"."${String(t['table_name'])}"`);
      parts.push(JSON.stringify(await db.rows(sql`SELECT * FROM ${name}`)));
    }
    return Buffer.from(parts.join('\n'), 'utf8');
  }

  it('erases by shredding the key: no trace in the files or a dump, replay still works', async () => {
    const customer = await call<Customer>('customers.create', person);
    await call('customers.update', { id: customer.id, changes: { billingAddress: { city: 'Quellendorf-Süd' } } });
    const subject = `customer:${customer.id}`;

    // Before: the data is there to be found (so the scans below can see it).
    if (dialect === 'sqlite') {
      expect(tracesIn((await sqliteBytes()).decrypted).length).toBeGreaterThan(0);
    } else {
      const dump = (await pgDump()).toString('utf8');
      expect(dump).toContain(subject); // its wrapped data key
      // The projection keeps what people search by readable (only the server holds database
      // credentials); secrets such as the notes are sealed there too, and events seal everything.
      const found = tracesIn(Buffer.from(dump));
      expect(found).toContain('quellenberg');
      expect(found).not.toContain('haselnüsse');
      expect(found).not.toContain('haselnusse');
    }

    const erased = await call<Customer>('gdpr.erase', { customerId: customer.id });
    expect(erased).toMatchObject({ name: ERASURE_MARKER, email: null, phone: null, city: null, notes: null });
    expect(erased.erasedAt).not.toBeNull();
    expect(erased.createdAt).toBe(customer.createdAt);

    if (dialect === 'sqlite') {
      const files = await sqliteBytes();
      expect(tracesIn(files.decrypted)).toEqual([]);
      expect(tracesIn(files.raw)).toEqual([]);
      expect(tracesIn(files.wal)).toEqual([]);
    } else {
      const dump = (await pgDump()).toString('utf8');
      expect(dump).not.toContain(subject);
      expect(tracesIn(Buffer.from(dump))).toEqual([]);
    }

    // The log still replays, into the erased state; readers see the marker.
    value(await kontor.call('events.replay', {}));
    expect(await call<Customer>('customers.get', { id: customer.id })).toEqual(erased);
    const events = await call<{ type: string; data: object }[]>('events.list', { stream: `customer-${customer.id}` });
    expect(events.map((e) => e.type)).toEqual(['customer.created', 'customer.updated', 'customer.erased']);
    expect(events[0]?.data).toMatchObject({ personal: ERASURE_MARKER });
    expect(events[1]?.data).toEqual({ personal: ERASURE_MARKER });
    expect((await call<CustomerPage>('customers.list', { search: 'Quellenberg' })).total).toBe(0);

    const audit = await call<{ items: { action: string; target: string; details: object }[] }>('audit.list', {
      action: 'gdpr.erased',
    });
    expect(audit.items[0]).toMatchObject({ target: subject, details: { customerId: customer.id, reason: 'request' } });
    expect(JSON.stringify(audit.items)).not.toMatch(/Quellen/);
  });

  it('refuses to change or erase an erased customer again, and changes nothing', async () => {
    const customer = await call<Customer>('customers.create', { name: 'Twice Erased' });
    await call('gdpr.erase', { customerId: customer.id });
    const before = await call<Customer>('customers.get', { id: customer.id });
    for (const [name, input] of [
      ['customers.update', { id: customer.id, changes: { name: 'Back Again' } }],
      ['gdpr.erase', { customerId: customer.id }],
    ] as const) {
      expect(await kontor.call(name, input)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    }
    expect(await call<Customer>('customers.get', { id: customer.id })).toEqual(before);
  });

  it('exports everything about one customer as a ZIP of JSON and CSV, with progress', async () => {
    const customer = await call<Customer>('customers.create', { name: 'Export Person', notes: '=HYPERLINK("x")' });
    await call('customers.update', { id: customer.id, changes: { billingAddress: { city: 'Lübeck' } } });
    const progress: number[] = [];
    const result = await kontor.router.call(
      'gdpr.export',
      { customerId: customer.id },
      { meta: { connection: 'test-admin' }, onProgress: (p) => progress.push(p.done) },
    );
    const exported = value<GdprExport>(result);
    expect(progress).toEqual([1, 2, 3, 4]);
    const files = unzipSync(Buffer.from(exported.base64, 'base64'));
    expect(Object.keys(files).sort()).toEqual([
      'README.txt',
      'activities.csv',
      'activities.json',
      'audit.csv',
      'audit.json',
      'customer.csv',
      'customer.json',
      'events.csv',
      'events.json',
      'manifest.json',
    ]);
    const read = (name: string) => strFromU8(files[name] ?? new Uint8Array());
    expect(JSON.parse(read('customer.json'))).toMatchObject({ name: 'Export Person', city: 'Lübeck' });
    const events = JSON.parse(read('events.json')) as { type: string; userName: string; changes: object }[];
    expect(events.map((e) => [e.type, e.userName])).toEqual([
      ['customer.created', 'Test Admin'],
      ['customer.updated', 'Test Admin'],
    ]);
    expect(events[0]?.changes).toMatchObject({ name: 'Export Person', email: null, notes: '=HYPERLINK("x")' });
    expect(events[1]?.changes).toEqual({
      billingAddress: { street: null, postalCode: null, city: 'Lübeck', country: null },
    });
    // A spreadsheet opening the CSV sees text, not a formula.
    expect(read('customer.csv')).toContain(`"'=HYPERLINK(""x"")"`);
    expect(JSON.parse(read('manifest.json'))).toMatchObject({
      customerId: customer.id,
      counts: { events: 2, activities: 0 },
    });
    // The export itself is audited, naming the customer, and the next export lists that entry.
    const again = value<GdprExport>(await kontor.call('gdpr.export', { customerId: customer.id }));
    const audit = JSON.parse(
      strFromU8(unzipSync(Buffer.from(again.base64, 'base64'))['audit.json'] ?? new Uint8Array()),
    );
    expect(audit).toMatchObject([{ action: 'gdpr.exported' }]);

    // For German spreadsheets the CSV files split on semicolons.
    const german = value<GdprExport>(await kontor.call('gdpr.export', { customerId: customer.id, csv: 'semicolon' }));
    const bytes = Buffer.from(unzipSync(Buffer.from(german.base64, 'base64'))['customer.csv'] ?? new Uint8Array());
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf])); // the BOM Excel needs for UTF-8
    expect(bytes.subarray(3).toString('utf8').split('\r\n')[0]).toMatch(
      /^id;number;kind;status;name;email;phone;city;/,
    );
  });

  it('answers not_found for an unknown customer and exports nothing', async () => {
    const result = await kontor.call('gdpr.export', { customerId: '0190b6a4-7c2e-7000-8000-0000000000ff' });
    expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('runs a retention rule as a dry run first, then erases exactly what it reported', async () => {
    const quiet = await call<Customer>('customers.create', { name: 'Quiet Since Long' });
    tick += 4 * 365 * 24 * 3600 * 1000;
    // Four years on, the session has long expired: sign in again.
    value(await kontor.call('auth.login', { email: TEST_ADMIN.email, password: TEST_ADMIN.password }));
    const busy = await call<Customer>('customers.create', { name: 'Busy Recently' });

    expect(await call<RetentionReport>('retention.run', {})).toMatchObject({ inactiveYears: null, candidates: [] });
    await call('retention.set', { inactiveYears: 3 });
    const dry = await call<RetentionReport>('retention.run', {});
    expect(dry.applied).toBe(false);
    expect(dry.candidates.map((c) => c.id)).toContain(quiet.id);
    expect(dry.candidates.map((c) => c.id)).not.toContain(busy.id);
    expect((await call<Customer>('customers.get', { id: quiet.id })).erasedAt).toBeNull();

    const applied = await call<RetentionReport>('retention.run', { apply: true });
    expect(applied).toMatchObject({ applied: true, erased: dry.candidates.length });
    expect((await call<Customer>('customers.get', { id: quiet.id })).erasedAt).not.toBeNull();
    expect((await call<Customer>('customers.get', { id: busy.id })).erasedAt).toBeNull();
    expect((await call<RetentionReport>('retention.run', {})).candidates).toEqual([]);
    expect(await kontor.call('retention.set', { inactiveYears: 0 })).toMatchObject({
      ok: false,
      error: { code: 'validation' },
    });
  });
});
