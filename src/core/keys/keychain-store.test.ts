// The keychain store against a real secret service: gnome-keyring in its own D-Bus session,
// with a throw-away HOME so the machine's keyring is never touched.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const child = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'keychain-child.ts');

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

const missingTools = ['dbus-run-session', 'gnome-keyring-daemon'].filter((c) => !has(c));

function runChild(env: NodeJS.ProcessEnv, wrap: boolean): { ok: boolean; [key: string]: unknown } {
  const home = mkdtempSync(join(tmpdir(), 'kontor-keyring-'));
  try {
    const node = `node --import tsx ${JSON.stringify(child)} /data/a /data/b`;
    const script = wrap ? `printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; ${node}` : node;
    const args = wrap ? ['dbus-run-session', '--', 'sh', '-c', script] : ['sh', '-c', script];
    const out = execFileSync(args[0] ?? 'sh', args.slice(1), {
      env: { ...env, HOME: home },
      encoding: 'utf8',
      timeout: 30_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

describe('keychain key store', () => {
  it.skipIf(missingTools.length > 0)(
    `stores, finds and separates keys in a real secret service ${missingTools.length ? `(skipped: ${missingTools.join(', ')} not installed)` : ''}`,
    () => {
      const result = runChild(process.env, true);
      expect(result).toEqual({ ok: true, length: 32, sameAfterReopen: true, otherDirDiffers: true, missing: null });
    },
  );

  it('says plainly that the keychain is unavailable when no secret service runs, and offers the passphrase store', () => {
    const env = { ...process.env };
    delete env['DBUS_SESSION_BUS_ADDRESS'];
    delete env['DISPLAY'];
    const result = runChild(env, false);
    expect(result.ok).toBe(false);
    expect(result['message']).toMatch(/OS keychain is unavailable/);
    expect(result['message']).toMatch(/KONTOR_KEYSTORE=passphrase/);
  });
});
