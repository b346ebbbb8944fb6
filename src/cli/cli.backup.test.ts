// `kontor backup …` as an administrator runs it: a backup of real encrypted files, verified, and
// restored on "a new machine" (another data directory and key store) after importing the key
// backup, or with the backup's passphrase alone.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kontor, type Run } from './testing';

const ADMIN = { KONTOR_USER: 'admin@acme.example', KONTOR_PASSWORD: 'acme admin password' };
const keys = { KONTOR_KEYSTORE: 'passphrase', KONTOR_MASTER_PASSPHRASE: 'cli test passphrase' };
const PASSPHRASE = 'backup passphrase 2026';

describe('kontor backup', { timeout: 120_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'kontor-cli-backup-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const at =
    (dir: string, env: Record<string, string> = {}) =>
    (...args: string[]) =>
      kontor(args, { ...keys, ...ADMIN, KONTOR_DATA_DIR: join(root, dir), ...env });
  const json = (run: Run) => {
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(run.stdout) as Record<string, unknown>;
  };

  it('backs up, lists, verifies and restores on a new machine', async () => {
    const old = at('old');
    json(await old('setup', '--tenant', 'Acme GmbH', '--admin-email', ADMIN.KONTOR_USER));
    const customer = json(
      await old('customers', 'create', '--tenant', 'Acme GmbH', '--input', '{"name":"Ada Lovelace"}'),
    );
    json(
      await at('old', { KONTOR_BACKUP_PASSPHRASE: PASSPHRASE })(
        'keys',
        'export',
        '--out',
        join(root, 'keys.kontorkeys'),
      ),
    );

    const made = await old('backup', 'create');
    expect(json(made)).toMatchObject({ reason: 'manual', companies: 1, customers: 1 });
    expect(made.stderr).toContain('backing up');
    const list = JSON.parse((await old('backup', 'list')).stdout) as { name: string }[];
    expect(list.map((b) => b.name)).toEqual([json(made)['name']]);
    const file = join(root, 'old', 'backups', String(json(made)['name']));
    expect(json(await old('backup', 'verify', '--in', file))).toMatchObject({ ok: true });

    // A new machine: its own data directory and key store, the key backup imported first.
    const fresh = at('new', { KONTOR_BACKUP_PASSPHRASE: PASSPHRASE });
    const refused = await at('new')('backup', 'restore', '--in', file);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('kontor keys import');
    json(await fresh('keys', 'import', '--in', join(root, 'keys.kontorkeys')));
    const restored = json(await fresh('backup', 'restore', '--in', file));
    expect(restored).toMatchObject({ customers: 1, erasuresReapplied: { erased: 0 } });
    expect(
      json(await fresh('customers', 'get', '--tenant', 'Acme GmbH', '--id', String(customer['id']))),
    ).toMatchObject({
      name: 'Ada Lovelace',
    });
    const again = await fresh('backup', 'restore', '--in', file);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('holds Kontor data already');
  });

  it('seals with a passphrase: restores with it alone, and refuses a damaged file', async () => {
    const old = at('old', { KONTOR_BACKUP_PASSPHRASE: PASSPHRASE });
    const made = json(await old('backup', 'create', '--passphrase'));
    const file = join(root, 'old', 'backups', String(made['name']));
    const restored = json(
      await at('other', { KONTOR_BACKUP_PASSPHRASE: PASSPHRASE })('backup', 'restore', '--in', file),
    );
    expect(restored).toMatchObject({ customers: 1 });
    const wrong = await at('third', { KONTOR_BACKUP_PASSPHRASE: 'not the passphrase' })(
      'backup',
      'restore',
      '--in',
      file,
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('wrong passphrase');

    const bytes = readFileSync(file);
    const damaged = join(root, 'damaged.kontorbackup');
    writeFileSync(damaged, bytes.subarray(0, bytes.length - 10));
    const verify = await old('backup', 'verify', '--in', damaged);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain('damaged');
  });
});
