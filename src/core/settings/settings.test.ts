import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestKontor, type TestKontor } from '../db/testing';
import { settingsFilePath } from './settings.file';

describe('database settings', () => {
  let kontor: TestKontor;
  beforeAll(async () => {
    kontor = await openTestKontor('sqlite');
  });
  afterAll(async () => kontor.dispose());

  it('reports the local database by default', async () => {
    expect(await kontor.call('settings.getDatabase', {})).toEqual({
      ok: true,
      value: { active: 'sqlite', configured: { kind: 'sqlite' }, restartRequired: false },
    });
  });

  it('rejects a server address that is not a postgres URL and writes nothing', async () => {
    const result = await kontor.call('settings.setDatabase', { kind: 'postgres', url: 'mysql://db/x' });
    expect(result).toMatchObject({ ok: false, error: { code: 'validation', details: { issues: [{ path: 'url' }] } } });
    expect(() => readFileSync(settingsFilePath(kontor.dataDir))).toThrow();
  });

  it('stores a server choice for the next start and never shows its password', async () => {
    const result = await kontor.call('settings.setDatabase', {
      kind: 'postgres',
      url: 'postgres://kontor:s3cret@db.local:5432/kontor',
    });
    expect(result).toEqual({
      ok: true,
      value: {
        active: 'sqlite',
        configured: { kind: 'postgres', url: 'postgres://kontor@db.local:5432/kontor' },
        restartRequired: true,
      },
    });
    // The password is kept sealed beside the address (settings.secrets.test.ts).
    expect(JSON.parse(readFileSync(settingsFilePath(kontor.dataDir), 'utf8'))).toMatchObject({
      database: { kind: 'postgres', url: 'postgres://kontor@db.local:5432/kontor', passwordSealed: expect.any(String) },
    });
    await kontor.call('settings.setDatabase', { kind: 'sqlite' });
    expect(await kontor.call('settings.getDatabase', {})).toMatchObject({
      ok: true,
      value: { restartRequired: false },
    });
  });
});
