// The database password never stands in settings.json in plain text: the app seals it when an
// installation administrator sets it, and a file from before is sealed at the next start.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFromEnvironment } from '../config';
import { createSecretBox } from '../crypto/secret-box';
import {
  dropSchemasWithPrefix,
  memoryKeyStore,
  openTestKontor,
  sharedPgConnection,
  type TestKontor,
} from '../db/testing';
import { keyNames } from '../keys/keystore';
import { databaseUrl, readSettingsFile, settingsFilePath } from './settings.file';

describe('the database password at rest', () => {
  const keyStore = memoryKeyStore();
  let kontor: TestKontor;
  beforeAll(async () => {
    kontor = await openTestKontor('sqlite', { keyStore });
  });
  afterAll(async () => kontor.dispose());

  it('keeps the password sealed apart from the address, and shows the address without it', async () => {
    const url = 'postgres://kontor:geheim-pw%21@db.firma.local:5432/kontor?sslmode=verify-full';
    expect(await kontor.call('settings.setDatabase', { kind: 'postgres', url })).toMatchObject({ ok: true });
    const text = readFileSync(settingsFilePath(kontor.dataDir), 'utf8');
    expect(text).not.toContain('geheim');
    const stored = readSettingsFile(settingsFilePath(kontor.dataDir)).database;
    expect(stored).toMatchObject({
      kind: 'postgres',
      url: 'postgres://kontor@db.firma.local:5432/kontor?sslmode=verify-full',
    });
    if (stored.kind !== 'postgres') throw new Error('not stored');
    const secrets = createSecretBox(keyStore.keys.get(keyNames.systemSecrets) ?? Buffer.alloc(32));
    const reopened = new URL(databaseUrl(stored, secrets.open));
    expect(decodeURIComponent(reopened.password)).toBe('geheim-pw!');
    expect(reopened.host).toBe('db.firma.local:5432');
    const shown = await kontor.call('settings.getDatabase', {});
    expect(JSON.stringify(shown)).not.toContain('geheim');
  });

  it('refuses an address whose sslmode could fall back to plain text, and keeps the setting it had', async () => {
    const before = readFileSync(settingsFilePath(kontor.dataDir), 'utf8');
    expect(
      await kontor.call('settings.setDatabase', {
        kind: 'postgres',
        url: 'postgres://k@db.firma.local/k?sslmode=prefer',
      }),
    ).toMatchObject({ ok: false, error: { code: 'validation', details: { issues: [{ path: 'url' }] } } });
    expect(readFileSync(settingsFilePath(kontor.dataDir), 'utf8')).toBe(before);
  });

  it.skipIf(!process.env['KONTOR_TEST_PG_URL'])(
    'seals the password of a settings file from before at the next start, and opens with it afterwards',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'kontor-oldsettings-'));
      const prefix = `ks${randomBytes(4).toString('hex')}_`;
      try {
        const server = new URL(process.env['KONTOR_TEST_PG_URL'] ?? '');
        server.password = 'altes-passwort'; // trust authentication takes any
        writeFileSync(
          settingsFilePath(dataDir),
          JSON.stringify({ database: { kind: 'postgres', url: server.toString() } }),
        );
        const env = {
          KONTOR_KEYSTORE: 'passphrase' as const,
          KONTOR_MASTER_PASSPHRASE: 'the master passphrase',
          KONTOR_PG_SCHEMA_PREFIX: prefix,
        };
        const first = await openFromEnvironment({ dataDir, env, version: 't' });
        await first.close();
        expect(readFileSync(settingsFilePath(dataDir), 'utf8')).not.toContain('altes-passwort');
        const again = await openFromEnvironment({ dataDir, env, version: 't' });
        expect(again.stores.dialect).toBe('postgres');
        await again.close();
      } finally {
        await dropSchemasWithPrefix((await sharedPgConnection()).db, prefix);
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );
});
