// The server's keys in its database under a master key from the environment: the same key for
// instances that ask at once, nothing readable without the master key, a wrong one refused; a key
// file's keys moved in once; an instance whose keys differ from the database's refused at start;
// and two server processes' worth of instances on one Postgres database sharing keys with no file.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchemasWithPrefix, sharedPgConnection } from '../core/db/testing';
import { queryRows, type PgDb } from '../core/db/postgres';
import { openDatabaseKeyStore, parseMasterKey } from '../core/keys/database-store';
import { openPassphraseKeyStore } from '../core/keys/passphrase-store';
import { AppError } from '../shared/errors';
import { checkServerKeys, databaseKeys } from './keys';
import { serverEnvSchema, startServer } from './main';
import { httpClient, withPgDatabase } from './testing';

const PASSPHRASE = 'server keys master passphrase';
const FAST_KDF = { memoryKiB: 19_456, iterations: 2, parallelism: 1 };
const PREFIX = `kontor_keys_test_${randomBytes(3).toString('hex')}_`;

describe('the server keys in its database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kontor-server-keys-'));
  let db: PgDb;
  let schemas = 0;
  /** A key schema of this test's own (the shared connection serves other tests too). */
  const schema = () => `${PREFIX}${schemas++}`;
  const keyFile = (name: string) =>
    openPassphraseKeyStore({ file: join(dir, name), passphrase: PASSPHRASE, kdf: FAST_KDF });

  beforeAll(async () => {
    db = (await sharedPgConnection()).db;
  });
  afterAll(async () => {
    await dropSchemasWithPrefix(db, PREFIX);
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives instances asking at once the same key, keeps it wrapped, and refuses a wrong master key', async () => {
    const where = schema();
    const masterKey = randomBytes(32);
    const [one, two] = await Promise.all([
      openDatabaseKeyStore({ db, masterKey, schema: where }),
      openDatabaseKeyStore({ db, masterKey, schema: where }),
    ]);
    const [a, b] = await Promise.all([one.getOrCreateKey('fields:master'), two.getOrCreateKey('fields:master')]);
    expect(a.equals(b)).toBe(true);
    expect(one.kind).toBe('database');

    const rows = await queryRows(db, sql.raw(`SELECT name, iv, tag, data FROM "${where}".keys`));
    expect(rows.map((row) => row['name']).sort()).toEqual(['fields:master', 'kontor:master-key-check']);
    expect(JSON.stringify(rows)).not.toContain(a.toString('base64'));

    const refused = await openDatabaseKeyStore({ db, masterKey: randomBytes(32), schema: where }).catch((e) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).details).toMatchObject({ reason: 'wrong_master_key' });
  });

  it('takes a master key only as 32 bytes of base64', () => {
    expect(parseMasterKey(`${randomBytes(32).toString('base64')}\n`)).toHaveLength(32);
    expect(() => parseMasterKey(randomBytes(16).toString('base64'))).toThrow(/openssl rand -base64 32/);
    expect(() => parseMasterKey('kein schlüssel')).toThrow(/32 random bytes/);
  });

  it("moves a key file's keys in once, and moves nothing into a database set up with other keys", async () => {
    const where = schema();
    const masterKey = randomBytes(32);
    const file = await keyFile('moved.json');
    const fields = await file.getOrCreateKey('fields:master');
    const audit = await file.getOrCreateKey('audit:chain');
    const store = await databaseKeys(db, masterKey, file, where);
    expect((await store.getKey('fields:master'))?.equals(fields)).toBe(true);
    expect((await store.getKey('audit:chain'))?.equals(audit)).toBe(true);
    await databaseKeys(db, masterKey, file, where); // again: nothing to do

    const other = await keyFile('other.json');
    await other.getOrCreateKey('secrets:system');
    await other.getOrCreateKey('fields:master');
    await expect(databaseKeys(db, masterKey, other, where)).rejects.toThrow(
      /already holds another key 'fields:master'.*nothing was moved/,
    );
    expect(await (await openDatabaseKeyStore({ db, masterKey, schema: where })).getKey('secrets:system')).toBeNull();
  });

  it('refuses an instance whose key file is not the one the database was first used with', async () => {
    const where = schema();
    const first = await keyFile('first.json');
    await checkServerKeys(db, first, where);
    await checkServerKeys(db, first, where); // the next start of the same instance
    const own = await keyFile('own.json'); // a second instance that made a key file of its own
    await expect(checkServerKeys(db, own, where)).rejects.toThrow(/give every instance the key file of the first one/);
  });

  it('starts on the embedded database with its keys in it, and refuses another master key', async () => {
    const masterKey = randomBytes(32).toString('base64');
    const env = (key: string) =>
      serverEnvSchema.parse({
        KONTOR_SERVER_DATA_DIR: join(dir, 'embedded'),
        KONTOR_SERVER_MASTER_KEY_SECRET_FILE: join(dir, `${key === masterKey ? 'right' : 'wrong'}.key`),
        KONTOR_SERVER_PORT: '0',
        KONTOR_SERVER_LOG_LEVEL: 'silent',
      });
    writeFileSync(join(dir, 'right.key'), `${masterKey}\n`);
    writeFileSync(join(dir, 'wrong.key'), randomBytes(32).toString('base64'));
    const server = await startServer(env(masterKey));
    try {
      const client = httpClient(server.url);
      const info = await client.rpc(await client.connect(), 'app.status');
      expect(info.status).toBe(200);
    } finally {
      await server.close();
    }
    await expect(startServer(env('wrong'))).rejects.toThrow(/master key does not open the keys/);
    const again = await startServer(env(masterKey));
    await again.close();
  }, 60_000);

  it.runIf(process.env['KONTOR_TEST_PG_URL'])(
    'runs two instances on one Postgres database with the master key alone: one token, one company, no key file',
    () =>
      withPgDatabase(async (url) => {
        const servers: Awaited<ReturnType<typeof startServer>>[] = [];
        try {
          const masterKey = randomBytes(32).toString('base64');
          // Two instances, each with a data directory of its own and nothing in it: started at once.
          servers.push(
            ...(await Promise.all(
              ['a', 'b'].map((name) =>
                startServer(
                  serverEnvSchema.parse({
                    KONTOR_SERVER_DATA_DIR: join(dir, `instance-${name}`),
                    KONTOR_SERVER_DATABASE_URL: url,
                    KONTOR_SERVER_MASTER_KEY: masterKey,
                    KONTOR_SERVER_PORT: '0',
                    KONTOR_SERVER_LOG_LEVEL: 'silent',
                  }),
                ),
              ),
            )),
          );
          const [one, two] = servers.map((server) => httpClient(server.url)) as [
            ReturnType<typeof httpClient>,
            ReturnType<typeof httpClient>,
          ];
          const token = await one.connect();
          const owner = {
            company: 'Schlüssel GmbH',
            name: 'Admin',
            email: 'admin@keys.example',
            password: 'keys admin password',
          };
          expect((await one.rpc(token, 'auth.setup', owner)).status).toBe(200);
          // The token one instance signed is good on the other; what one sealed, the other opens.
          const created = await two.rpc(token, 'customers.create', { name: 'Geteilt GmbH', notes: 'versiegelt' });
          expect(created.status).toBe(200);
          const id = (created.result as { value: { id: string } }).value.id;
          expect(await one.rpc(token, 'customers.get', { id })).toMatchObject({
            status: 200,
            result: { ok: true, value: { name: 'Geteilt GmbH', notes: 'versiegelt' } },
          });
        } finally {
          for (const server of servers) await server.close();
        }
      }),
    60_000,
  );
});
