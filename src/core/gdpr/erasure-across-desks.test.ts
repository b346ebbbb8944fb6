// Two desks on one Postgres database: when one erases a customer, the other cannot read that
// customer's history any more at its next call, although it had the data key in its cache.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKontor, type Kontor } from '../app';
import { defaultMigrationsDir } from '../config';
import {
  memoryKeyStore,
  openTestKontor,
  quietLogger,
  sharedPgConnection,
  TEST_ADMIN,
  type TestKontor,
  value,
} from '../db/testing';

describe('erasure seen by another desk on the same Postgres database', () => {
  const keyStore = memoryKeyStore();
  let first: TestKontor;
  let second: Kontor;
  const secondDir = mkdtempSync(join(tmpdir(), 'kontor-desk-2-'));
  const asSecond = (name: string, input: unknown = {}) =>
    second.router.call(name, input, { meta: { connection: 'desk-2' } });

  beforeAll(async () => {
    // The second desk shares the database and, through the key backup, the keys.
    first = await openTestKontor('postgres', { keyStore });
    second = await openKontor({
      dataDir: secondDir,
      migrationsDir: defaultMigrationsDir(),
      settingsFile: join(secondDir, 'settings.json'),
      version: '0.0.0-test',
      logger: quietLogger,
      keyStore,
      database: {
        kind: 'postgres',
        connection: await sharedPgConnection(),
        schemaPrefix: first.schemaPrefix ?? '',
        ownsConnection: false,
      },
    });
    value(await asSecond('auth.login', { email: TEST_ADMIN.email, password: TEST_ADMIN.password }));
  });
  afterAll(async () => {
    await second.close();
    await first.dispose();
    rmSync(secondDir, { recursive: true, force: true });
  });

  it("makes the customer's events unreadable on the other desk at once", async () => {
    const customer = value<{ id: string }>(
      await first.call('customers.create', { name: 'Erika Zweitplatz', email: 'erika@example.org' }),
    );
    const history = () => asSecond('customers.history', { id: customer.id });
    // The second desk reads the history: the data key is now in its cache.
    expect(JSON.stringify(value(await history()))).toContain('Erika Zweitplatz');
    expect(JSON.stringify(value(await asSecond('events.list', {})))).toContain('Erika Zweitplatz');

    value(await first.call('gdpr.erase', { customerId: customer.id }));

    expect(JSON.stringify(value(await history()))).not.toContain('Erika');
    expect(JSON.stringify(value(await asSecond('events.list', {})))).not.toContain('Erika');
    expect(value(await asSecond('customers.get', { id: customer.id }))).toMatchObject({ email: null });
  });
});
