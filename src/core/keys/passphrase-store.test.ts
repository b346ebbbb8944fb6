import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openPassphraseKeyStore } from './passphrase-store';

// The minimum OWASP parameters keep the tests quick; production uses DEFAULT_KDF.
const kdf = { memoryKiB: 19_456, iterations: 2, parallelism: 1 };
const dirs: string[] = [];
function keyFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kontor-keys-'));
  dirs.push(dir);
  return join(dir, 'keys.json');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('passphrase key store', () => {
  it('creates random keys and finds them again with the same passphrase', async () => {
    const file = keyFile();
    const store = await openPassphraseKeyStore({ file, passphrase: 'correct horse battery', kdf });
    const a = await store.getOrCreateKey('db:system');
    const b = await store.getOrCreateKey('db:tenant:1');
    expect(a).toHaveLength(32);
    expect(a.equals(b)).toBe(false);
    const reopened = await openPassphraseKeyStore({ file, passphrase: 'correct horse battery' });
    expect((await reopened.getKey('db:system'))?.equals(a)).toBe(true);
    expect(await reopened.getKey('db:unknown')).toBeNull();
  });

  it('keeps no key in the clear in its file', async () => {
    const file = keyFile();
    const store = await openPassphraseKeyStore({ file, passphrase: 'correct horse battery', kdf });
    const key = await store.getOrCreateKey('db:system');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(key.toString('base64'));
    expect(text).not.toContain(key.toString('hex'));
    expect(text).not.toContain('correct horse');
  });

  it('refuses a wrong passphrase with a clear error and leaves the file as it was', async () => {
    const file = keyFile();
    await (
      await openPassphraseKeyStore({ file, passphrase: 'correct horse battery', kdf })
    ).getOrCreateKey('db:system');
    const before = readFileSync(file);
    await expect(openPassphraseKeyStore({ file, passphrase: 'wrong horse battery' })).rejects.toMatchObject({
      code: 'locked',
      message: 'the master passphrase does not match this data directory',
    });
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('rejects a short passphrase', async () => {
    await expect(openPassphraseKeyStore({ file: keyFile(), passphrase: 'short', kdf })).rejects.toMatchObject({
      code: 'validation',
    });
  });

  it('detects a tampered key entry', async () => {
    const file = keyFile();
    await (
      await openPassphraseKeyStore({ file, passphrase: 'correct horse battery', kdf })
    ).getOrCreateKey('db:system');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    json.keys['db:system'].data = Buffer.alloc(32, 1).toString('base64');
    writeFileSync(file, JSON.stringify(json));
    const store = await openPassphraseKeyStore({ file, passphrase: 'correct horse battery' });
    await expect(store.getKey('db:system')).rejects.toMatchObject({ code: 'locked' });
  });

  it('rejects a damaged file with a clear message', async () => {
    const file = keyFile();
    writeFileSync(file, '{"format":"something else"}');
    await expect(openPassphraseKeyStore({ file, passphrase: 'correct horse battery' })).rejects.toThrow(
      /damaged or not a Kontor key file/,
    );
  });
});
