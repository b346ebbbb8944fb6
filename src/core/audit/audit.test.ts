// The audit log's hash chain: intact after many appends, and verify names the first broken link
// when someone edits the table behind Kontor's back (the triggers refuse plain edits).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestKontor, testDialects, type TestKontor } from '../db/testing';

/** The driver's error, or drizzle's wrapper around it, names the trigger's reason. */
const refusedAsAppendOnly = (error: unknown) =>
  /append-only/.test(`${(error as Error).message} ${String((error as { cause?: Error }).cause?.message)}`);

describe.each(testDialects)('audit log on %s', (dialect) => {
  let kontor: TestKontor;
  beforeAll(async () => {
    kontor = await openTestKontor(dialect);
  });
  afterAll(async () => kontor.dispose());

  const db = () => kontor.stores.system.sql;
  const log = () => db().table('audit_log');

  it('chains every entry to the one before, also under concurrent appends', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => kontor.audit.append({ action: 'test.concurrent', details: { i } })),
    );
    const result = await kontor.call('audit.verify', {});
    expect(result).toMatchObject({ ok: true, value: { ok: true, firstBroken: null } });
    expect((result.ok && (result.value as { checked: number }).checked) || 0).toBeGreaterThanOrEqual(21);
  });

  it('refuses updates and deletes', async () => {
    await expect(db().run(sql`UPDATE ${log()} SET action = 'x' WHERE seq = 1`)).rejects.toSatisfy(refusedAsAppendOnly);
    await expect(db().run(sql`DELETE FROM ${log()} WHERE seq = 1`)).rejects.toSatisfy(refusedAsAppendOnly);
  });

  it('names the first broken link after tampering', async () => {
    // An attacker with database access drops the guard and rewrites history.
    if (dialect === 'sqlite') await db().run(sql`DROP TRIGGER audit_log_no_update`);
    else await db().run(sql`ALTER TABLE ${log()} DISABLE TRIGGER audit_log_no_change`);
    await db().run(sql`UPDATE ${log()} SET details = '{"i":999}' WHERE seq = 5`);
    await db().run(sql`UPDATE ${log()} SET details = '{"i":998}' WHERE seq = 9`);
    expect(await kontor.call('audit.verify', {})).toMatchObject({
      ok: true,
      value: { ok: false, firstBroken: { seq: 5, problem: 'entry 5 was changed after it was written' } },
    });
  });

  it('names a removed entry', async () => {
    if (dialect === 'sqlite') await db().run(sql`DROP TRIGGER audit_log_no_delete`);
    await db().run(sql`DELETE FROM ${log()} WHERE seq <= 9 AND seq >= 2`);
    expect(await kontor.call('audit.verify', {})).toMatchObject({
      value: { ok: false, firstBroken: { seq: 2, problem: 'entry 2 is missing' } },
    });
  });
});
