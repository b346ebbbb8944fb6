// The audit log's chain: intact after many appends; and when someone with write access to the
// database edits it behind Kontor's back (the triggers refuse plain edits, so they drop them
// first), verify names what happened: a rewritten entry, a deleted tail, an emptied table.
// Each test opens its own installation, so none depends on another's tampering.
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestKontor, testDialects, type TestKontor } from '../db/testing';
import { AUDIT_HEAD_FILE, entryHash, GENESIS_HASH } from './audit.service';

/** The driver's error, or drizzle's wrapper around it, names the trigger's reason. */
const refusedAsAppendOnly = (error: unknown) =>
  /append-only/.test(`${(error as Error).message} ${String((error as { cause?: Error }).cause?.message)}`);

describe.each(testDialects)('audit log on %s', (dialect) => {
  const opened: TestKontor[] = [];
  afterEach(async () => {
    for (const kontor of opened.splice(0)) await kontor.dispose();
  });

  /**
   * An installation with 20 more entries than its setup wrote, whose head file has caught up with
   * them (it follows the appends a moment later; tampering before that would race the head).
   */
  async function installation(): Promise<TestKontor> {
    const kontor = await openTestKontor(dialect);
    opened.push(kontor);
    for (let i = 0; i < 20; i++) await kontor.audit.append({ action: 'test.entry', details: { i } });
    await kontor.audit.settled();
    return kontor;
  }

  async function dropGuards(kontor: TestKontor): Promise<void> {
    const db = kontor.stores.system.sql;
    if (dialect === 'sqlite') {
      await db.run(sql`DROP TRIGGER audit_log_no_update`);
      await db.run(sql`DROP TRIGGER audit_log_no_delete`);
    } else {
      await db.run(sql`ALTER TABLE ${db.table('audit_log')} DISABLE TRIGGER USER`);
    }
  }

  async function verify(kontor: TestKontor) {
    const result = await kontor.call('audit.verify', {});
    if (!result.ok) throw new Error(result.error.message);
    return result.value as { ok: boolean; checked: number; firstBroken: { seq: number; problem: string } | null };
  }

  it('chains every entry to the one before, also under concurrent appends', async () => {
    const kontor = await installation();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => kontor.audit.append({ action: 'test.concurrent', details: { i } })),
    );
    const result = await verify(kontor);
    expect(result).toMatchObject({ ok: true, firstBroken: null });
    expect(result.checked).toBeGreaterThanOrEqual(41);
  });

  it('lists entries by exact actions and time, in pages, counting every match', async () => {
    const kontor = await installation();
    type Page = { items: { seq: number; action: string }[]; total: number };
    const list = async (input: object) => {
      const result = await kontor.call('audit.list', input);
      if (!result.ok) throw new Error(result.error.message);
      return result.value as Page;
    };
    const first = await list({ actions: ['test.entry'], limit: 8 });
    expect(first.total).toBe(20);
    expect(first.items).toHaveLength(8);
    const second = await list({ actions: ['test.entry'], limit: 8, beforeSeq: first.items.at(-1)?.seq });
    expect(second.total).toBe(20);
    expect(second.items[0]?.seq).toBe((first.items.at(-1)?.seq ?? 0) - 1);
    expect((await list({ actions: [] })).total).toBe(0);
    expect(
      (await list({ actions: ['test.entry'], from: '2000-01-01T00:00:00.000Z', to: '2000-01-02T00:00:00.000Z' })).total,
    ).toBe(0);
    expect((await list({ actions: ['test.entry'], from: '2000-01-01T00:00:00.000Z' })).total).toBe(20);
  });

  it('refuses updates, deletes and emptying the table', async () => {
    const kontor = await installation();
    const db = kontor.stores.system.sql;
    const log = db.table('audit_log');
    await expect(db.run(sql`UPDATE ${log} SET action = 'x' WHERE seq = 1`)).rejects.toSatisfy(refusedAsAppendOnly);
    await expect(db.run(sql`DELETE FROM ${log} WHERE seq = 1`)).rejects.toSatisfy(refusedAsAppendOnly);
    await expect(db.run(sql`DELETE FROM ${log}`)).rejects.toSatisfy(refusedAsAppendOnly);
    if (dialect === 'postgres') {
      await expect(db.run(sql`TRUNCATE ${log}`)).rejects.toSatisfy(refusedAsAppendOnly);
    }
    expect(await verify(kontor)).toMatchObject({ ok: true });
  });

  it('finds an entry rewritten together with every later link (no key, no consistent rewrite)', async () => {
    const kontor = await installation();
    await dropGuards(kontor);
    const db = kontor.stores.system.sql;
    const log = db.table('audit_log');
    // The attacker changes entry 5 and recomputes every later link as a plain SHA-256 chain.
    await db.run(sql`UPDATE ${log} SET details = '{"i":999}' WHERE seq = 5`);
    const rows = await db.rows(sql`SELECT * FROM ${log} WHERE seq >= 4 ORDER BY seq`);
    let prev = String(rows[0]?.['hash']);
    for (const row of rows.slice(1)) {
      const canonical = JSON.stringify([
        Number(row['seq']),
        row['at'],
        row['actor_id'],
        row['actor'],
        row['tenant_id'],
        row['action'],
        row['target'],
        JSON.parse(String(row['details'])),
      ]);
      const hash = createHash('sha256').update(prev).update('\n').update(canonical).digest('hex');
      await db.run(sql`UPDATE ${log} SET prev_hash = ${prev}, hash = ${hash} WHERE seq = ${Number(row['seq'])}`);
      prev = hash;
    }
    expect(await verify(kontor)).toMatchObject({
      ok: false,
      firstBroken: { seq: 5, problem: 'entry 5 was changed after it was written' },
    });
  });

  it('finds deleted newest entries', async () => {
    const kontor = await installation();
    await dropGuards(kontor);
    const db = kontor.stores.system.sql;
    const [last] = await db.rows(sql`SELECT max(seq) AS n FROM ${db.table('audit_log')}`);
    const newest = Number(last?.['n']);
    await db.run(sql`DELETE FROM ${db.table('audit_log')} WHERE seq > ${newest - 3}`);
    expect(await verify(kontor)).toMatchObject({
      ok: false,
      checked: newest - 3,
      firstBroken: {
        problem: `the newest entries were deleted: the log ends at entry ${newest - 3}, but entry ${newest} had been written`,
      },
    });
  });

  it('finds an emptied (truncated) log', async () => {
    const kontor = await installation();
    await dropGuards(kontor);
    const db = kontor.stores.system.sql;
    const [last] = await db.rows(sql`SELECT max(seq) AS n FROM ${db.table('audit_log')}`);
    if (dialect === 'postgres') await db.run(sql`TRUNCATE ${db.table('audit_log')}`);
    else await db.run(sql`DELETE FROM ${db.table('audit_log')}`);
    expect(await verify(kontor)).toMatchObject({
      ok: false,
      checked: 0,
      firstBroken: {
        seq: 1,
        problem: `the audit log was emptied (truncated): ${Number(last?.['n'])} entries had been written`,
      },
    });
  });

  it('names a removed entry in the middle', async () => {
    const kontor = await installation();
    await dropGuards(kontor);
    const db = kontor.stores.system.sql;
    await db.run(sql`DELETE FROM ${db.table('audit_log')} WHERE seq <= 9 AND seq >= 2`);
    expect(await verify(kontor)).toMatchObject({ ok: false, firstBroken: { seq: 2, problem: 'entry 2 is missing' } });
  });

  it('keeps verifying an older unkeyed chain and keys it from the next start on', async () => {
    const kontor = await installation();
    await dropGuards(kontor);
    const db = kontor.stores.system.sql;
    const log = db.table('audit_log');
    await db.run(sql`DELETE FROM ${log}`);
    // Three entries as an older version wrote them: plain SHA-256 links, no head file.
    let prev = GENESIS_HASH;
    for (let seq = 1; seq <= 3; seq++) {
      const entry = {
        seq,
        at: '2026-01-01T00:00:00.000Z',
        actorId: null,
        actor: null,
        tenantId: null,
        action: 'old.entry',
        target: null,
        details: {},
      };
      const hash = entryHash(prev, entry);
      await db.run(sql`INSERT INTO ${log} (seq, at, action, details, prev_hash, hash)
        VALUES (${seq}, ${entry.at}, 'old.entry', '{}', ${prev}, ${hash})`);
      prev = hash;
    }
    rmSync(join(kontor.dataDir, AUDIT_HEAD_FILE));
    await kontor.audit.start();
    await kontor.audit.append({ action: 'test.after' });
    expect(await verify(kontor)).toMatchObject({ ok: true, checked: 5 });
    const started = await db.rows(sql`SELECT hash FROM ${log} WHERE action = 'audit.head.started'`);
    expect(String(started[0]?.['hash'])).toMatch(/^h1:/);
  });
});
