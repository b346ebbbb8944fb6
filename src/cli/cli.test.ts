// The `kontor` command as an admin runs it: a real process, real files, real Postgres.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchemasWithPrefix, sharedPgConnection } from '../core/db/testing';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'kontor.mjs');
const pgUrl = process.env['KONTOR_TEST_PG_URL'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function kontor(args: string[], env: Record<string, string>): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const targets: { name: string; env: () => Record<string, string>; skip?: string }[] = [
  {
    name: 'local encrypted files',
    env: () => ({ KONTOR_KEYSTORE: 'passphrase', KONTOR_MASTER_PASSPHRASE: 'cli test passphrase' }),
  },
  {
    name: 'Postgres server',
    env: () => ({ KONTOR_DATABASE_URL: pgUrl ?? '', KONTOR_PG_SCHEMA_PREFIX: prefix }),
    ...(pgUrl ? {} : { skip: 'KONTOR_TEST_PG_URL is not set; a separate process cannot share the in-memory PGlite' }),
  },
];
const prefix = `kc${randomBytes(4).toString('hex')}_`;

afterAll(async () => {
  if (pgUrl) await dropSchemasWithPrefix((await sharedPgConnection()).db, prefix);
});

describe.each(targets)('kontor CLI on $name', ({ env: makeEnv, skip }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kontor-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const run = (...args: string[]) => kontor(args, { ...makeEnv(), KONTOR_DATA_DIR: dataDir });

  it.skipIf(skip !== undefined)(
    `sets up a company, creates, updates, gets and lists customers ${skip ? `(skipped: ${skip})` : ''}`,
    async () => {
      const setup = await run('setup', '--tenant', 'Acme GmbH');
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
        '{"city":"London"}',
      );
      expect(JSON.parse(updated.stdout)).toMatchObject({ id: customer.id, city: 'London', version: 2 });

      const got = await run('customers', 'get', '--tenant', 'Acme GmbH', '--id', customer.id);
      expect(JSON.parse(got.stdout)).toMatchObject({ city: 'London' });

      await run('customers', 'create', '--tenant', 'Acme GmbH', '--input', '{"name":"Charles Babbage"}');
      const list = await run('customers', 'list', '--tenant', 'Acme GmbH', '--search', 'love', '--limit', '10');
      expect(JSON.parse(list.stdout).map((c: { name: string }) => c.name)).toEqual(['Ada Lovelace']);
      const all = await run('customers', 'list', '--tenant', 'Acme GmbH');
      expect(JSON.parse(all.stdout)).toHaveLength(2);
    },
  );

  it.skipIf(skip !== undefined)('refuses bad input with a message naming the field and writes nothing', async () => {
    await run('setup', '--tenant', 'Refusals');
    const badEmail = await run('customers', 'create', '--tenant', 'Refusals', '--input', '{"name":"X","email":"nope"}');
    expect(badEmail).toMatchObject({ code: 1, stdout: '' });
    expect(badEmail.stderr).toContain('email: Not a valid email address');

    const badJson = await run('customers', 'create', '--tenant', 'Refusals', '--input', '{name:');
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toContain('--input is not valid JSON');

    const badLimit = await run('customers', 'list', '--tenant', 'Refusals', '--limit', '9999');
    expect(badLimit.code).toBe(1);
    expect(badLimit.stderr).toMatch(/limit: .*500/);

    const unknownTenant = await run('customers', 'list', '--tenant', 'Nobody');
    expect(unknownTenant.code).toBe(1);
    expect(unknownTenant.stderr).toContain("no company named 'Nobody'");

    const list = await run('customers', 'list', '--tenant', 'Refusals');
    expect(JSON.parse(list.stdout)).toEqual([]);
  });
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
    expect(badEnv.code).toBe(1);
    expect(badEnv.stderr).toContain('KONTOR_KEYSTORE: must be keychain or passphrase');
    const noPassphrase = await kontor(['setup', '--tenant', 'A'], {
      KONTOR_DATA_DIR: mkdtempSync(join(tmpdir(), 'kontor-cli-')),
      KONTOR_KEYSTORE: 'passphrase',
    });
    expect(noPassphrase.stderr).toContain('KONTOR_MASTER_PASSPHRASE is required');
    expect((await kontor(['--help'], env)).stdout).toContain('Usage: kontor');
  });

  it('writes nothing when the command line is wrong', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kontor-cli-'));
    await kontor(['customers', 'create', '--tenant', 'A', '--input', 'not json'], { KONTOR_DATA_DIR: dataDir });
    expect(readdirSync(dataDir)).toEqual([]);
    rmSync(dataDir, { recursive: true, force: true });
  });
});
