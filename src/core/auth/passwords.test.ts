import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openKontor, type KontorOptions } from '../app';
import { defaultMigrationsDir } from '../config';
import { memoryKeyStore, quietLogger } from '../db/testing';
import { checkPasswordPolicy, createPasswordHasher, OWASP_MINIMUM } from './passwords';

describe('passwords', () => {
  it('hashes with argon2id at no less than the OWASP minimum, with the parameters in the hash', async () => {
    const hash = await createPasswordHasher().hash('correct horse battery');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(() => createPasswordHasher({ ...OWASP_MINIMUM, memoryCost: 8192 })).toThrow(/OWASP/);
  });

  it('rejects the email or the company name as password, ignoring case', () => {
    expect(() => checkPasswordPolicy('Ada@Example.com', { email: 'ada@example.com', companies: [] })).toThrow(/email/);
    expect(() =>
      checkPasswordPolicy('muster handels gmbh', { email: 'a@b.c', companies: ['Muster Handels GmbH'] }),
    ).toThrow(/company/);
    expect(() =>
      checkPasswordPolicy('something else entirely', { email: 'a@b.c', companies: ['Muster'] }),
    ).not.toThrow();
  });

  it('upgrades a stored hash at the next sign-in when the parameters were raised', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kontor-rehash-'));
    const keyStore = memoryKeyStore();
    const base: KontorOptions = {
      dataDir,
      migrationsDir: defaultMigrationsDir(),
      database: { kind: 'sqlite' },
      keyStore,
      settingsFile: join(dataDir, 'settings.json'),
      version: 'test',
      logger: quietLogger,
    };
    const admin = { company: 'Rehash AG', name: 'R', email: 'r@rehash.example', password: 'rehash password 1' };
    const before = await openKontor(base);
    await before.router.call('auth.setup', admin, { meta: { connection: 'c' } });
    await before.close();

    const after = await openKontor({ ...base, passwordParams: { memoryCost: 32_768, timeCost: 3, parallelism: 1 } });
    const login = await after.router.call(
      'auth.login',
      { email: admin.email, password: admin.password },
      { meta: { connection: 'c' } },
    );
    expect(login.ok).toBe(true);
    const [row] = await after.stores.system.sql.rows(
      sql`SELECT password_hash FROM ${after.stores.system.sql.table('users')}`,
    );
    expect(String(row?.['password_hash'])).toMatch(/\$m=32768,t=3,p=1\$/);
    await after.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
});
