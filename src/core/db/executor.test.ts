// The executor on both dialects: unique violations told by the driver's error code (through
// drizzle's wrapper), rows inserted by their table definition, long IN lists read in chunks.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneTimeCodesSqlite } from '../auth/auth.schema';
import { customersSqlite } from '../customers/customers.schema';
import { PgDialect } from 'drizzle-orm/pg-core';
import { isUniqueViolation, rowsInChunks, type Executor } from './executor';
import { openTestKontor, testDialects, type TestKontor } from './testing';

async function errorOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the statement to fail');
}

describe.each(testDialects)('driver errors on %s', (dialect) => {
  let kontor: TestKontor;
  beforeAll(async () => {
    kontor = await openTestKontor(dialect, { skipSetup: true });
  });
  afterAll(async () => kontor.dispose());

  it('recognises a unique violation by its code, and nothing else as one', async () => {
    const db = kontor.stores.system.sql;
    const settings = db.table('settings');
    await db.run(sql`INSERT INTO ${settings} (key, value) VALUES ('dup', '1')`);
    const duplicate = await errorOf(() => db.run(sql`INSERT INTO ${settings} (key, value) VALUES ('dup', '2')`));
    expect(isUniqueViolation(duplicate)).toBe(true);
    const missing = await errorOf(() => db.run(sql`INSERT INTO ${settings} (key, value) VALUES ('x', NULL)`));
    expect(isUniqueViolation(missing)).toBe(false);
    expect(isUniqueViolation(new Error('UNIQUE constraint failed: settings.key'))).toBe(false);
  });

  it('answers the first column of each row, and the same statement still answers whole rows', async () => {
    const db = kontor.stores.system.sql;
    const settings = db.table('settings');
    await db.run(sql`INSERT INTO ${settings} (key, value) VALUES ('col-a', '1'), ('col-b', '2')`);
    const query = sql`SELECT key, value FROM ${settings} WHERE key LIKE 'col-%' ORDER BY key`;
    expect(await db.column(query)).toEqual(['col-a', 'col-b']);
    expect(await db.rows(query)).toEqual([
      { key: 'col-a', value: '1' },
      { key: 'col-b', value: '2' },
    ]);
    expect(await db.column(sql`SELECT key FROM ${settings} WHERE key = 'none'`)).toEqual([]);
  });

  it('inserts rows by property name, many at once, absent properties as NULL, inside a transaction or not', async () => {
    const db = (await kontor.stores.tenant((await kontor.tenants.setup('Executor GmbH')).id)).sql;
    const row = (i: number) => ({
      id: `0190b6a4-7c2e-7000-8000-${String(i).padStart(12, '0')}`,
      number: `K-${i}`,
      kind: 'company',
      status: 'active',
      name: `Kunde ${i}`,
      sortName: `kunde ${i}`,
      tags: '[]',
      details: '{}',
      version: 1,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      ...(i % 2 === 0 && { city: 'Kiel' }),
    });
    await db.insert(customersSqlite, [row(1)]);
    await db.insert(customersSqlite, []);
    await db.transaction((tx) =>
      tx.insert(
        customersSqlite,
        // Many rows per statement, and the rest one by one.
        Array.from({ length: 6050 }, (_, i) => row(i + 2)),
      ),
    );
    const [count] = await db.rows(sql`SELECT count(*) AS n, count(city) AS c FROM ${db.table('customers')}`);
    expect(Number(count?.['n'])).toBe(6051);
    expect(Number(count?.['c'])).toBe(3025);
    const failed = await errorOf(() => db.transaction((tx) => tx.insert(customersSqlite, [row(7000), row(1)])));
    expect(isUniqueViolation(failed)).toBe(true);
    const [after] = await db.rows(sql`SELECT count(*) AS n FROM ${db.table('customers')}`);
    expect(Number(after?.['n'])).toBe(6051);

    // A long list of ids is read in chunks, each with a bounded IN list.
    const wanted = [...Array.from({ length: 2500 }, (_, i) => row(i * 2 + 1).id), row(999_999).id];
    const chunks: number[] = [];
    const found = await rowsInChunks(wanted, (chunk) => {
      chunks.push(chunk.length);
      return db.rows(sql`SELECT id FROM ${db.table('customers')} WHERE ${db.inList(sql`id`, chunk)}`);
    });
    expect(chunks).toEqual([1000, 1000, 501]);
    expect(found.map((r) => r['id']).sort()).toEqual(wanted.slice(0, 2500).sort());
  });

  it('drops a table’s secondary indexes for a bulk load and builds them again, or keeps them when it rolls back', async () => {
    const db = (await kontor.stores.tenant((await kontor.tenants.setup('Indexes GmbH')).id)).sql;
    // The company's schema on Postgres: the first part of the table's qualified name.
    const schema = new PgDialect().sqlToQuery(db.table('customers')).sql.split('.')[0]?.replaceAll('"', '') ?? '';
    const list = async (tx: Executor) => {
      const rows =
        tx.dialect === 'sqlite'
          ? await tx.rows(sql`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customers'`)
          : await tx.rows(sql`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'customers'
              AND schemaname = ${schema}`);
      return rows.map((r) => String(r['name'])).sort();
    };
    const names = () => list(db);
    const before = await names();
    expect(before).toEqual(expect.arrayContaining(['customers_sort_name_idx', 'customers_created_at_idx']));
    const during = await db.transaction((tx) => tx.withoutIndexes('customers', () => list(tx)));
    expect(during.filter((name) => name.endsWith('_idx'))).toEqual([]);
    expect(await names()).toEqual(before);
    await errorOf(() =>
      db.transaction((tx) =>
        tx.withoutIndexes('customers', async () => {
          throw new Error('cancelled halfway');
        }),
      ),
    );
    expect(await names()).toEqual(before);
  });

  it('gives a bulk load a larger cache (Postgres: maintenance memory) and takes it back afterwards', async () => {
    const db = kontor.stores.system.sql;
    const setting = async (tx: Executor) =>
      tx.dialect === 'sqlite'
        ? Number((await tx.rows(sql`PRAGMA cache_size`))[0]?.['cache_size'])
        : String((await tx.rows(sql`SHOW maintenance_work_mem`))[0]?.['maintenance_work_mem']);
    const before = await setting(db);
    const during = await db.transaction((tx) => tx.withBulkMemory(() => setting(tx)));
    expect(during).toBe(dialect === 'sqlite' ? -256 * 1024 : '256MB');
    expect(await setting(db)).toBe(before);
    await errorOf(() =>
      db.transaction((tx) =>
        tx.withBulkMemory(async () => {
          throw new Error('cancelled halfway');
        }),
      ),
    );
    expect(await setting(db)).toBe(before);
  });

  it('stores a column’s plain default where a row leaves the property out', async () => {
    const system = kontor.stores.system.sql;
    const at = '2026-01-01T00:00:00.000Z';
    await system.insert(oneTimeCodesSqlite, [
      { id: 'code-1', userId: 'u', purpose: 'test', codeHash: 'h', expiresAt: at, createdAt: at },
    ]);
    const [row] = await system.rows(
      sql`SELECT attempts, used_at AS "usedAt" FROM ${system.table('one_time_codes')} WHERE id = 'code-1'`,
    );
    expect(Number(row?.['attempts'])).toBe(0);
    expect(row?.['usedAt']).toBeNull();
  });
});
