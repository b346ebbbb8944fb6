// Unique violations are told by the driver's error code on both dialects (through drizzle's wrapper).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUniqueViolation } from './executor';
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
});
