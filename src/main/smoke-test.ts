// `Kontor --kontor-smoke-test` (scripts/packaging/after-pack.mjs runs it on every packaged app):
// loads each native module the app needs and uses it once, prints one line of results, and quits.
// No Electron API here, so the same check runs under Node in the tests.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEncryptedSqlite } from '../core/db/sqlite';

export const SMOKE_PREFIX = 'kontor-smoke-test ';

type Check = () => Promise<void>;

const checks: Record<string, Check> = {
  // The page cipher as the app opens its files: a keyed file written, closed, opened and read back.
  'better-sqlite3': async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kontor-smoke-'));
    try {
      const file = join(dir, 'smoke.db');
      const key = randomBytes(32);
      const db = openEncryptedSqlite(file, key);
      db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
      db.close();
      const again = openEncryptedSqlite(file, key);
      const value: unknown = again.prepare('SELECT x FROM t').pluck().get();
      again.close();
      if (value !== 1) throw new Error('read back nothing');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  argon2: async () => {
    const { default: argon2 } = await import('argon2');
    const hash = await argon2.hash('smoke', { type: argon2.argon2id, memoryCost: 1024, timeCost: 1 });
    if (!(await argon2.verify(hash, 'smoke'))) throw new Error('a hash does not verify');
  },
  // Loading is the test: the keychain itself may be locked or absent on a build machine.
  keytar: async () => {
    await import('keytar');
  },
};

/** Every module's result: `ok`, or why it failed. */
export async function smokeTest(): Promise<Record<string, string>> {
  const results: Record<string, string> = {};
  for (const [name, check] of Object.entries(checks)) {
    try {
      await check();
      results[name] = 'ok';
    } catch (error) {
      results[name] = error instanceof Error ? error.message : String(error);
    }
  }
  return results;
}

/** The line the packaging hook reads. */
export const smokeLine = (modules: Record<string, string>) =>
  `${SMOKE_PREFIX}${JSON.stringify({ modules, versions: { electron: process.versions['electron'] ?? null, node: process.versions.node } })}`;
