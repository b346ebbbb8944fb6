// The `kontor` command as an admin runs it: real files, real Postgres. Most commands run in this
// process through runCli (the function bin/kontor.mjs calls); a few start the real binary.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchemasWithPrefix, sharedPgConnection } from '../core/db/testing';
import { contract } from '../shared/contract';
import { kontor, type Run } from './testing';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'kontor.mjs');
const pgUrl = process.env['KONTOR_TEST_PG_URL'];

/** A real `kontor` process, through bin/kontor.mjs and the bundled build (start-up is the subject). */
async function kontorProcess(args: string[], env: Record<string, string>): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
      timeout: 90_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const ADMIN = { KONTOR_USER: 'admin@acme.example', KONTOR_PASSWORD: 'acme admin password' };
const keys = { KONTOR_KEYSTORE: 'passphrase', KONTOR_MASTER_PASSPHRASE: 'cli test passphrase' };
const prefix = `kc${randomBytes(4).toString('hex')}_`;
const targets: { name: string; env: () => Record<string, string>; skip?: string }[] = [
  { name: 'local encrypted files', env: () => keys },
  {
    name: 'Postgres server',
    env: () => ({ ...keys, KONTOR_DATABASE_URL: pgUrl ?? '', KONTOR_PG_SCHEMA_PREFIX: prefix }),
    ...(pgUrl ? {} : { skip: 'KONTOR_TEST_PG_URL is not set; a separate process cannot share the in-memory PGlite' }),
  },
];

afterAll(async () => {
  if (pgUrl) await dropSchemasWithPrefix((await sharedPgConnection()).db, prefix);
});

// Each command opens the passphrase store (a KDF): generous timeouts for a busy 2-core machine.
describe.each(targets)('kontor CLI on $name', { timeout: 120_000 }, ({ env: makeEnv, skip }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kontor-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const runAs = (env: Record<string, string>, ...args: string[]) =>
    kontor(args, { ...makeEnv(), KONTOR_DATA_DIR: dataDir, ...env });
  const run = (...args: string[]) => runAs(ADMIN, ...args);

  it.skipIf(skip !== undefined)(
    `sets up a company with its administrator, then creates, updates, gets and lists customers ${skip ? `(skipped: ${skip})` : ''}`,
    async () => {
      // The first command starts the real binary: the bundled build, the stores, the key store.
      const setup = await kontorProcess(['setup', '--tenant', 'Acme GmbH', '--admin-email', 'admin@acme.example'], {
        ...makeEnv(),
        KONTOR_DATA_DIR: dataDir,
        ...ADMIN,
      });
      expect(setup.stderr).toBe('');
      expect(JSON.parse(setup.stdout)).toMatchObject({ name: 'Acme GmbH' });
      const again = await run('setup', '--tenant', 'Acme GmbH');
      expect(JSON.parse(again.stdout)).toEqual(JSON.parse(setup.stdout));

      const created = await run(
        'customers',
        'create',
        '--tenant',
        'Acme GmbH',
        '--input',
        '{"name":"Ada Lovelace","email":"ada@example.com"}',
      );
      expect(created.code).toBe(0);
      const customer = JSON.parse(created.stdout);
      expect(customer).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com', version: 1 });

      const updated = await run(
        'customers',
        'update',
        '--tenant',
        'Acme GmbH',
        '--id',
        customer.id,
        '--input',
        '{"billingAddress":{"city":"London"}}',
      );
      expect(JSON.parse(updated.stdout)).toMatchObject({ id: customer.id, city: 'London', version: 2 });
      const got = await run('customers', 'get', '--tenant', 'Acme GmbH', '--id', customer.id);
      expect(JSON.parse(got.stdout)).toMatchObject({ city: 'London' });

      await run('customers', 'create', '--tenant', 'Acme GmbH', '--input', '{"name":"Charles Babbage"}');
      const list = await run('customers', 'list', '--tenant', 'Acme GmbH', '--search', 'love', '--limit', '10');
      expect(JSON.parse(list.stdout).map((c: { name: string }) => c.name)).toEqual(['Ada Lovelace']);

      const events = await run('events', 'list', '--tenant', 'Acme GmbH', '--stream', `customer-${customer.id}`);
      expect(JSON.parse(events.stdout).map((e: { type: string }) => e.type)).toEqual([
        'customer.created',
        'customer.updated',
      ]);
      const replayed = await run('events', 'replay', '--tenant', 'Acme GmbH');
      expect(JSON.parse(replayed.stdout)).toMatchObject({ events: 3 });
      expect(replayed.stderr).toContain('replaying: 3 events');
      const after = await run('customers', 'get', '--tenant', 'Acme GmbH', '--id', customer.id);
      expect(JSON.parse(after.stdout)).toEqual(JSON.parse(got.stdout));
    },
  );

  it.skipIf(skip !== undefined)('refuses bad input with a message naming the field and writes nothing', async () => {
    const badEmail = await run(
      'customers',
      'create',
      '--tenant',
      'Acme GmbH',
      '--input',
      '{"name":"X","email":"nope"}',
    );
    expect(badEmail).toMatchObject({ code: 1, stdout: '' });
    expect(badEmail.stderr).toContain('email: Not a valid email address');
    const badLimit = await run('customers', 'list', '--tenant', 'Acme GmbH', '--limit', '9999');
    expect(badLimit.code).toBe(1);
    expect(badLimit.stderr).toMatch(/limit: .*500/);
    const unknownTenant = await run('customers', 'list', '--tenant', 'Nobody');
    expect(unknownTenant.code).toBe(1);
    expect(unknownTenant.stderr).toContain("no company named 'Nobody'");
    const list = await run('customers', 'list', '--tenant', 'Acme GmbH', '--search', 'nope');
    expect(JSON.parse(list.stdout)).toEqual([]);
  });

  it.skipIf(skip !== undefined)('imports customers from a file: dry run, mapping file, rejected rows', async () => {
    const csv = join(dataDir, 'kunden.csv');
    writeFileSync(
      csv,
      '\uFEFFKundenname;Mail;Ort\r\nImport Eins GmbH;eins@example.com;Köln\r\n;ohne@example.com;Bonn\r\n',
    );
    const mapping = join(dataDir, 'mapping.json');
    writeFileSync(mapping, JSON.stringify({ Kundenname: 'name', Mail: 'email', Ort: 'city' }));
    const args = ['customers', 'import', '--tenant', 'Acme GmbH', '--mapping', mapping];

    const dry = await run(...args, '--dry-run', csv);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual({
      imported: 0,
      rows: 2,
      dryRun: true,
      rejected: [{ row: 3, column: 'Kundenname', reason: 'A company needs a name' }],
    });
    const rejects = join(dataDir, 'abgelehnt.csv');
    const done = await run(...args, '--mode', 'valid', '--rejects', rejects, csv);
    expect(JSON.parse(done.stdout)).toMatchObject({ imported: 1, rejectedFile: rejects });
    expect(done.stderr).toContain('importing: 2 rows read');
    expect(readFileSync(rejects, 'utf8')).toContain('ohne@example.com');
    const found = await run('customers', 'list', '--tenant', 'Acme GmbH', '--search', 'Import Eins');
    expect(JSON.parse(found.stdout)).toEqual([expect.objectContaining({ name: 'Import Eins GmbH', city: 'Köln' })]);

    const out = join(dataDir, 'export.csv');
    const exported = await run(
      'customers',
      'export',
      '--tenant',
      'Acme GmbH',
      '--format',
      'csv',
      '--language',
      'de',
      '--search',
      'Import Eins',
      '--out',
      out,
    );
    expect(JSON.parse(exported.stdout)).toEqual({ rows: 1, file: out });
    expect(readFileSync(out, 'utf8')).toMatch(/^\uFEFFNummer;Art;Name;[^\r]*\r\nK-\d+;Firma;Import Eins GmbH;/);

    // A saved view exports with its search, order and columns.
    const tenant = ['--tenant', 'Acme GmbH'];
    expect((await run('customers', 'save-view', ...tenant, '--view', 'Import', '--search', 'Import Eins')).code).toBe(
      0,
    );
    const views = await run('customers', 'views', ...tenant);
    expect(JSON.parse(views.stdout)).toMatchObject([{ name: 'Import', query: { search: 'Import Eins' } }]);
    const viewed = join(dataDir, 'view.csv');
    const byView = await run('customers', 'export', ...tenant, '--format', 'csv', '--view', 'import', '--out', viewed);
    expect(JSON.parse(byView.stdout)).toEqual({ rows: 1, file: viewed });
    expect(readFileSync(viewed, 'utf8').split('\r\n')[0]).toBe('\uFEFFNumber,Name,Email,Phone,City,Status,Changed');
    const noView = await run(
      'customers',
      'export',
      ...tenant,
      '--format',
      'csv',
      '--view',
      'Gibt es nicht',
      '--out',
      viewed,
    );
    expect(noView).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no saved view named Gibt es nicht (yours: Import)'),
    });

    const missing = await run('customers', 'import', '--tenant', 'Acme GmbH');
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('customers import needs FILE') });
    const badMapping = await run('customers', 'import', '--tenant', 'Acme GmbH', '--mapping', csv, csv);
    expect(badMapping).toMatchObject({ code: 2, stderr: expect.stringContaining('is not JSON') });
    const noMapping = await run('customers', 'import', '--tenant', 'Acme GmbH', '--mapping', 'Altsystem', csv);
    expect(noMapping).toMatchObject({ code: 2, stderr: expect.stringContaining('no saved mapping of that name') });
  });

  it.skipIf(skip !== undefined)('acts as a user: wrong password, forced password change, and permissions', async () => {
    const wrong = await runAs(
      { ...ADMIN, KONTOR_PASSWORD: 'not the password' },
      'users',
      'list',
      '--tenant',
      'Acme GmbH',
    );
    expect(wrong).toMatchObject({ code: 1, stdout: '' });
    expect(wrong.stderr).toContain('email or password is wrong');
    const anonymous = await runAs({}, 'users', 'list', '--tenant', 'Acme GmbH');
    expect(anonymous.stderr).toContain('KONTOR_USER and KONTOR_PASSWORD');

    const clerk = { KONTOR_USER: 'clerk@acme.example', KONTOR_PASSWORD: 'initial clerk password' };
    const created = await runAs(
      { ...ADMIN, KONTOR_NEW_PASSWORD: clerk.KONTOR_PASSWORD },
      'users',
      'create',
      '--tenant',
      'Acme GmbH',
      '--email',
      clerk.KONTOR_USER,
      '--name',
      'Carla Clerk',
      '--role',
      'Clerk',
    );
    expect(JSON.parse(created.stdout)).toMatchObject({
      email: 'clerk@acme.example',
      roleName: 'Clerk',
      mustChangePassword: true,
    });

    const early = await runAs(clerk, 'customers', 'list', '--tenant', 'Acme GmbH');
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('password change required');
    const changed = await runAs({ ...clerk, KONTOR_NEW_PASSWORD: 'the clerk password' }, 'account', 'password');
    expect(changed).toMatchObject({ code: 0 });
    const asClerk = { ...clerk, KONTOR_PASSWORD: 'the clerk password' };
    expect((await runAs(asClerk, 'customers', 'list', '--tenant', 'Acme GmbH')).code).toBe(0);
    const forbidden = await runAs(asClerk, 'users', 'list', '--tenant', 'Acme GmbH');
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toContain('forbidden: users.list needs the permission users.manage');

    const verify = await run('audit', 'verify');
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, firstBroken: null });
  });

  it.skipIf(skip !== undefined)(
    'exports and erases a customer, rotates keys, and moves the keys to a new machine',
    async () => {
      const tenant = ['--tenant', 'Acme GmbH'];
      const customer = JSON.parse(
        (await run('customers', 'create', ...tenant, '--input', '{"name":"Gerda Gdpr","email":"gerda@example.org"}'))
          .stdout,
      ) as { id: string };

      const zip = join(dataDir, 'gerda.zip');
      const exported = await run('gdpr', 'export', ...tenant, '--customer', customer.id, '--out', zip);
      expect(exported.code).toBe(0);
      const files = unzipSync(readFileSync(zip));
      expect(JSON.parse(strFromU8(files['customer.json'] ?? new Uint8Array()))).toMatchObject({ name: 'Gerda Gdpr' });

      const rotated = await run('keys', 'rotate', ...tenant);
      expect(JSON.parse(rotated.stdout)).toMatchObject({ kekVersion: 2 });

      // The keys travel in a sealed file; a new data directory with its own key store opens the data.
      const backup = join(dataDir, 'keys-backup.json');
      const passphrase = { KONTOR_BACKUP_PASSPHRASE: 'backup passphrase for the move' };
      expect((await runAs({ ...ADMIN, ...passphrase }, 'keys', 'export', '--out', backup)).code).toBe(0);
      const newMachine = mkdtempSync(join(tmpdir(), 'kontor-cli-moved-'));
      try {
        if (!makeEnv()['KONTOR_DATABASE_URL'])
          cpSync(dataDir, newMachine, {
            recursive: true,
            filter: (f) => !f.endsWith('keys.json') && !f.endsWith('.zip'),
          });
        const moved = { KONTOR_DATA_DIR: newMachine, KONTOR_MASTER_PASSPHRASE: 'the new machine passphrase' };
        const before = await runAs({ ...ADMIN, ...moved }, 'customers', 'get', ...tenant, '--id', customer.id);
        expect(before.code).toBe(1);
        const wrong = await runAs(
          { ...moved, KONTOR_BACKUP_PASSPHRASE: 'not the right passphrase' },
          'keys',
          'import',
          '--in',
          backup,
        );
        expect(wrong).toMatchObject({ code: 1 });
        expect(wrong.stderr).toContain('passphrase does not open');
        // The failed start above may have made keys of its own (Postgres: a new master key); they stand
        // in the way until replaced.
        let imported = await runAs({ ...moved, ...passphrase }, 'keys', 'import', '--in', backup);
        if (imported.code !== 0) {
          expect(imported.stderr).toContain('--replace');
          imported = await runAs({ ...moved, ...passphrase }, 'keys', 'import', '--in', backup, '--replace');
        }
        expect(imported.code).toBe(0);
        const after = await runAs({ ...ADMIN, ...moved }, 'customers', 'get', ...tenant, '--id', customer.id);
        expect(JSON.parse(after.stdout)).toMatchObject({ name: 'Gerda Gdpr' });
      } finally {
        rmSync(newMachine, { recursive: true, force: true });
      }

      const unconfirmed = await run('gdpr', 'erase', ...tenant, '--customer', customer.id);
      expect(unconfirmed.code).toBe(2);
      expect(JSON.parse((await run('customers', 'get', ...tenant, '--id', customer.id)).stdout)).toMatchObject({
        erasedAt: null,
      });
      const erased = await run('gdpr', 'erase', ...tenant, '--customer', customer.id, '--yes');
      expect(JSON.parse(erased.stdout)).toMatchObject({ name: '[erased]', email: null });
      const events = JSON.parse((await run('events', 'list', ...tenant, '--stream', `customer-${customer.id}`)).stdout);
      expect(JSON.stringify(events)).not.toContain('Gerda');

      expect(JSON.parse((await run('retention', 'set', ...tenant, '--years', '5')).stdout)).toEqual({
        inactiveYears: 5,
      });
      expect(JSON.parse((await run('retention', 'show', ...tenant)).stdout)).toMatchObject({
        applied: false,
        candidates: [],
      });
    },
  );
});

describe('kontor CLI command line', () => {
  it('rejects unknown commands, missing and unknown flags, and bad environment with exit 2 or 1', async () => {
    const env = { KONTOR_DATA_DIR: '/nonexistent/never-created' };
    expect(await kontor(['frobnicate'], env)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("unknown command 'frobnicate'"),
    });
    expect(await kontor(['customers', 'get', '--tenant', 'A'], env)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('needs --id'),
    });
    expect(await kontor(['setup', '--tenant', 'A', '--id', 'x'], env)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('does not take --id'),
    });
    expect(await kontor(['setup', '--tenant', 'A', '--keystore', 'vault'], env)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--keystore must be'),
    });
    const badEnv = await kontor(['setup', '--tenant', 'A'], { ...env, KONTOR_KEYSTORE: 'vault' });
    expect(badEnv.stderr).not.toContain('internal');
    expect(badEnv.code).toBe(1);
    expect(badEnv.stderr).toContain('KONTOR_KEYSTORE: must be keychain or passphrase');
    const noPassphrase = await kontor(['setup', '--tenant', 'A'], {
      KONTOR_DATA_DIR: mkdtempSync(join(tmpdir(), 'kontor-cli-')),
      KONTOR_KEYSTORE: 'passphrase',
    });
    expect(noPassphrase.stderr).toContain('KONTOR_MASTER_PASSPHRASE is required');
  });

  it('generates its help from the contract: every command with its flags and its procedure summary', async () => {
    const help = await kontorProcess(['--help'], {});
    expect(help.code).toBe(0);
    help.stdout = help.stdout.replace(/\s+/g, ' '); // summaries are wrapped
    expect(help.stdout).toContain('Usage: kontor [global options] <command> [options]');
    expect(help.stdout).toContain('customers list --tenant NAME [--search TEXT]');
    expect(help.stdout).toContain(contract['customers.list'].summary);
    expect(help.stdout).toContain(contract['gdpr.erase'].summary);
    expect(help.stdout).toContain('keys import --in FILE [--replace]');

    const one = await kontor(['gdpr', 'erase', '--help'], {});
    expect(one.code).toBe(0);
    one.stdout = one.stdout.replace(/\s+/g, ' ');
    expect(one.stdout).toContain('Usage: kontor gdpr erase --tenant NAME --customer ID [--yes]');
    expect(one.stdout).toContain(contract['gdpr.erase'].summary);
    expect(one.stdout).toContain('Calls gdpr.erase (permission: gdpr.manage)');
    expect(one.stdout).toContain('--yes');
    expect((await kontorProcess(['--version'], {})).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('writes nothing when the command line is wrong', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kontor-cli-'));
    await kontor(['customers', 'create', '--tenant', 'A', '--input', 'not json'], { KONTOR_DATA_DIR: dataDir });
    expect(readdirSync(dataDir)).toEqual([]);
    rmSync(dataDir, { recursive: true, force: true });
  });
});
