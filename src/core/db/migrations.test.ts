// Migrations from an empty store, per dialect, and that running them again changes nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultMigrationsDir } from '../config';
import { newKey } from '../keys/keystore';
import { loadMigrations, MIGRATIONS_TABLE } from './migrations';
import { migratePg } from './pg-stores';
import { queryRows } from './postgres';
import { migrateSqlite } from './sqlite-stores';
import { openEncryptedSqlite } from './sqlite';
import { dropSchemasWithPrefix, sharedPgConnection } from './testing';

const dir = defaultMigrationsDir();
const expectedTables = {
  system: [
    'audit_log',
    'mail_outbox',
    'memberships',
    'one_time_codes',
    'recovery_codes',
    'roles',
    'settings',
    'tenants',
    'users',
  ],
  tenant: [
    'analytics_runs',
    'analytics_scores',
    'customer_activities',
    'customer_contacts',
    'customer_word_lists',
    'customer_words',
    'customers',
    'data_keys',
    'events',
    'key_encryption_keys',
    'sales_documents',
    'sequences',
    'settings',
  ],
} as const;
/**
 * The event that a tenant store of any version from 2 on keeps through every later migration (the
 * log is the data; projections such as the customers table are rebuilt from it after an upgrade
 * that changes their shape, so they are not kept).
 */
const oldEvent = {
  id: '0190b6a4-7c2e-7000-8000-00000000e001',
  stream: `customer-${'0190b6a4-7c2e-7000-8000-000000000001'}`,
  data: JSON.stringify({ name: 'Alt Kunde', email: null, phone: null, city: null, notes: null }),
  meta: JSON.stringify({ userId: null, deviceId: 'd', hlc: 'h', correlationId: 'c', causationId: null, at: 'x' }),
};
/** Two administrators of a store from before installation administrators; the first did the setup. */
const olderInstallation = [
  `INSERT INTO users (id, email, name, password_hash, password_changed_at, created_at, updated_at)
   VALUES ('first', 'first@test.example', 'First', 'x', '2026-01-01', '2026-01-01', '2026-01-01'),
          ('second', 'second@test.example', 'Second', 'x', '2026-01-02', '2026-01-02', '2026-01-02')`,
  `INSERT INTO memberships (user_id, tenant_id, role_id, created_at)
   VALUES ('first', 't', 'administrator', '2026-01-01'), ('second', 't', 'administrator', '2026-01-02')`,
  `INSERT INTO audit_log (seq, at, actor_id, action, details, prev_hash, hash)
   VALUES (1, '2026-01-01', 'first', 'setup.completed', '{}', '0', '0')`,
];
const tenantRow = { id: '0190b6a4-7c2e-7000-8000-000000000001', name: 'Alt GmbH', at: '2026-01-01T00:00:00.000Z' };

describe('migrations on SQLite', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'kontor-migrate-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  for (const store of ['system', 'tenant'] as const) {
    it(`bring an empty ${store} store to the latest version, once`, () => {
      const db = openEncryptedSqlite(join(tmp, `${store}.db`), newKey());
      migrateSqlite(db, dir, store);
      migrateSqlite(db, dir, store);
      const tables = db
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
        .pluck()
        .all();
      expect(tables).toEqual([...expectedTables[store], MIGRATIONS_TABLE].sort());
      const applied = db.prepare(`SELECT tag FROM ${MIGRATIONS_TABLE} ORDER BY tag`).pluck().all();
      expect(applied).toEqual(loadMigrations(dir, 'sqlite', store).map((m) => m.tag));
      db.close();
    });
  }

  it('upgrades a tenant store made by every earlier version, keeping its event log', () => {
    const count = loadMigrations(dir, 'sqlite', 'tenant').length;
    for (let version = 2; version < count; version++) {
      const db = openEncryptedSqlite(join(tmp, `tenant-upgrade-${version}.db`), newKey());
      migrateSqlite(db, dir, 'tenant', version);
      db.prepare(
        `INSERT INTO events (id, stream, version, type, schema_version, data, meta) VALUES (?, ?, 1, 'customer.created', 1, ?, ?)`,
      ).run(oldEvent.id, oldEvent.stream, oldEvent.data, oldEvent.meta);
      migrateSqlite(db, dir, 'tenant');
      expect(db.prepare('SELECT data FROM events').pluck().all()).toEqual([oldEvent.data]);
      db.close();
    }
  });

  it('upgrades a system store made by every earlier version, keeping its data', () => {
    const count = loadMigrations(dir, 'sqlite', 'system').length;
    for (let version = 1; version < count; version++) {
      const db = openEncryptedSqlite(join(tmp, `upgrade-${version}.db`), newKey());
      migrateSqlite(db, dir, 'system', version);
      db.prepare('INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)').run(
        tenantRow.id,
        tenantRow.name,
        tenantRow.at,
      );
      migrateSqlite(db, dir, 'system');
      expect(db.prepare('SELECT name FROM tenants').pluck().all()).toEqual([tenantRow.name]);
      expect(db.prepare(`SELECT count(*) FROM ${MIGRATIONS_TABLE}`).pluck().get()).toBe(count);
      db.close();
    }
  });
  it('makes the first administrator of an older installation its installation administrator', () => {
    const db = openEncryptedSqlite(join(tmp, 'installation-admin.db'), newKey());
    const before = loadMigrations(dir, 'sqlite', 'system').findIndex((m) => m.tag.endsWith('installation_admin'));
    migrateSqlite(db, dir, 'system', before);
    for (const statement of olderInstallation) db.prepare(statement).run();
    migrateSqlite(db, dir, 'system');
    expect(db.prepare('SELECT id FROM users WHERE installation_admin = 1').pluck().all()).toEqual(['first']);
    db.close();
  });
});

describe('migrations on Postgres', () => {
  const prefix = `km${randomBytes(4).toString('hex')}_`;
  afterAll(async () => dropSchemasWithPrefix((await sharedPgConnection()).db, prefix));

  for (const store of ['system', 'tenant'] as const) {
    it(`bring an empty ${store} schema to the latest version, once`, async () => {
      const { db } = await sharedPgConnection();
      const schema = `${prefix}${store}`;
      await migratePg(db, schema, dir, store);
      await migratePg(db, schema, dir, store);
      const tables = await queryRows(
        db,
        sql`SELECT table_name FROM information_schema.tables WHERE table_schema = ${schema} ORDER BY table_name`,
      );
      // Only the server keeps sessions and the desks' files in its database (a desk's live in its process).
      const only = store === 'system' ? ['server_file_chunks', 'server_files', 'server_sessions'] : [];
      expect(tables.map((t) => t['table_name'])).toEqual([...expectedTables[store], ...only, MIGRATIONS_TABLE].sort());
      const applied = await queryRows(db, sql.raw(`SELECT tag FROM "${schema}".${MIGRATIONS_TABLE} ORDER BY tag`));
      expect(applied.map((r) => r['tag'])).toEqual(loadMigrations(dir, 'pg', store).map((m) => m.tag));
    });
  }

  it('upgrades a system schema made by every earlier version, keeping its data', async () => {
    const { db } = await sharedPgConnection();
    const count = loadMigrations(dir, 'pg', 'system').length;
    for (let version = 1; version < count; version++) {
      const schema = `${prefix}up${version}`;
      await migratePg(db, schema, dir, 'system', version);
      await db.execute(
        sql`INSERT INTO ${sql.raw(`"${schema}".tenants`)} (id, name, created_at) VALUES (${tenantRow.id}, ${tenantRow.name}, ${tenantRow.at})`,
      );
      await migratePg(db, schema, dir, 'system');
      const names = await queryRows(db, sql.raw(`SELECT name FROM "${schema}".tenants`));
      expect(names.map((r) => r['name'])).toEqual([tenantRow.name]);
    }
  });

  it('upgrades a tenant schema made by every earlier version, keeping its event log', async () => {
    const { db } = await sharedPgConnection();
    const count = loadMigrations(dir, 'pg', 'tenant').length;
    for (let version = 2; version < count; version++) {
      const schema = `${prefix}tup${version}`;
      await migratePg(db, schema, dir, 'tenant', version);
      await db.execute(
        sql`INSERT INTO ${sql.raw(`"${schema}".events`)} (id, stream, version, type, schema_version, data, meta)
            VALUES (${oldEvent.id}, ${oldEvent.stream}, 1, 'customer.created', 1, ${oldEvent.data}, ${oldEvent.meta})`,
      );
      await migratePg(db, schema, dir, 'tenant');
      const data = await queryRows(db, sql.raw(`SELECT data FROM "${schema}".events`));
      expect(data.map((r) => (typeof r['data'] === 'string' ? r['data'] : JSON.stringify(r['data'])))).toEqual([
        oldEvent.data,
      ]);
      const applied = await queryRows(db, sql.raw(`SELECT count(*) AS n FROM "${schema}".${MIGRATIONS_TABLE}`));
      expect(Number(applied[0]?.['n'])).toBe(count);
    }
  });

  it('makes the first administrator of an older installation its installation administrator', async () => {
    const { db } = await sharedPgConnection();
    const schema = `${prefix}ia`;
    const before = loadMigrations(dir, 'pg', 'system').findIndex((m) => m.tag.endsWith('installation_admin'));
    await migratePg(db, schema, dir, 'system', before);
    for (const statement of olderInstallation) {
      await db.execute(sql.raw(statement.replace('INSERT INTO ', `INSERT INTO "${schema}".`)));
    }
    await migratePg(db, schema, dir, 'system');
    const admins = await queryRows(db, sql.raw(`SELECT id FROM "${schema}".users WHERE installation_admin = 1`));
    expect(admins.map((r) => r['id'])).toEqual(['first']);
  });
});
