// The key backup file: every field is authenticated, its KDF parameters are bounded, and files of
// the first format still import.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encrypt } from '../crypto/aead';
import { memoryKeyStore } from '../db/testing';
import { exportKeyBackup, importKeyBackup } from './key-backup';
import { deriveKek, openPassphraseKeyStore } from './passphrase-store';

// The minimum OWASP parameters keep the tests quick; production uses DEFAULT_KDF.
const kdf = { memoryKiB: 19_456, iterations: 2, parallelism: 1 };
const passphrase = 'the backup passphrase';
const now = new Date('2026-11-27T12:00:00.000Z');

async function backupOf(names: string[]): Promise<{ text: string; keys: Map<string, Buffer> }> {
  const source = memoryKeyStore();
  for (const name of names) await source.getOrCreateKey(name);
  return { text: await exportKeyBackup(source, names, passphrase, now, kdf), keys: source.keys };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('key backup', () => {
  it('imports what it exported', async () => {
    const { text, keys } = await backupOf(['fields:master', 'audit:chain']);
    const target = memoryKeyStore();
    expect(await importKeyBackup(target, text, passphrase)).toMatchObject({
      imported: ['fields:master', 'audit:chain'],
    });
    expect(target.keys.get('audit:chain')?.equals(keys.get('audit:chain') ?? Buffer.alloc(0))).toBe(true);
  });

  it('refuses a file whose clear fields were changed, and writes nothing', async () => {
    const { text } = await backupOf(['fields:master', 'audit:chain']);
    const file = JSON.parse(text) as Record<string, unknown>;
    const changed: Record<string, unknown>[] = [
      { ...file, createdAt: '2020-01-01T00:00:00.000Z' },
      { ...file, names: ['fields:master'] },
      { ...file, names: ['audit:chain', 'db:system', 'fields:master'] },
      { ...file, kdf: { ...(file['kdf'] as object), iterations: 3 } },
      { ...file, version: 1 },
    ];
    for (const candidate of changed) {
      const target = memoryKeyStore();
      await expect(importKeyBackup(target, JSON.stringify(candidate), passphrase)).rejects.toMatchObject({
        code: expect.stringMatching(/locked|validation/),
      });
      expect(target.keys.size).toBe(0);
    }
  });

  it('refuses KDF parameters beyond what a desk can afford before deriving anything', async () => {
    const { text } = await backupOf(['fields:master']);
    const file = JSON.parse(text) as { kdf: Record<string, unknown> };
    for (const extreme of [{ memoryKiB: 8 * 1_048_576 }, { iterations: 10_000 }, { parallelism: 255 }]) {
      const started = Date.now();
      await expect(
        importKeyBackup(memoryKeyStore(), JSON.stringify({ ...file, kdf: { ...file.kdf, ...extreme } }), passphrase),
      ).rejects.toMatchObject({ code: 'validation' });
      // Refused by the parser: no argon2 run at all (which would take minutes or gigabytes).
      expect(Date.now() - started).toBeLessThan(5_000);
    }
  });

  it('refuses a key file with such parameters', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kontor-kdf-'));
    dirs.push(dir);
    const file = join(dir, 'keys.json');
    await openPassphraseKeyStore({ file, passphrase, kdf });
    const json = JSON.parse(readFileSync(file, 'utf8')) as { kdf: Record<string, unknown> };
    writeFileSync(file, JSON.stringify({ ...json, kdf: { ...json.kdf, memoryKiB: 64 * 1_048_576 } }));
    await expect(openPassphraseKeyStore({ file, passphrase })).rejects.toMatchObject({
      code: 'locked',
      message: 'the key file is damaged or not a Kontor key file',
    });
  });

  it('still imports a backup of the first format (only the keys authenticated)', async () => {
    const key = randomBytes(32);
    const header = {
      format: 'kontor-key-backup',
      version: 1,
      createdAt: now.toISOString(),
      kdf: { algorithm: 'argon2id', salt: randomBytes(16).toString('base64'), ...kdf },
      names: ['fields:master'],
    };
    const wrapping = await deriveKek(passphrase, header.kdf);
    const sealed = encrypt(
      wrapping,
      Buffer.from(JSON.stringify({ 'fields:master': key.toString('base64') })),
      'kontor:key-backup:v1',
    ).toString('base64');
    const target = memoryKeyStore();
    await importKeyBackup(target, JSON.stringify({ ...header, sealed }), passphrase);
    expect(target.keys.get('fields:master')?.equals(key)).toBe(true);
  });
});
