// `kontor-server <command>` on the server's own data: status, setup and the `kontor` commands on
// the embedded database, refused while a server has it open; on the Postgres server (CI) also a
// migrate of every company and a backup in pg_dump's format.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runServerCli } from './cli';
import { serverEnvSchema, startServer } from './main';
import { withPgDatabase } from './testing';

const PASSPHRASE = 'server cli master passphrase';

async function run(argv: string[], env: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const code = await runServerCli({
    argv,
    env,
    version: 'test',
    io: { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) },
  });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) as unknown };
}

describe('kontor-server commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kontor-server-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sets up, shows and lists on the embedded database, and leaves it alone while a server has it', async () => {
    const env = { KONTOR_SERVER_DATA_DIR: dir, KONTOR_SERVER_MASTER_PASSPHRASE: PASSPHRASE };
    const setup = await run(['setup', '--tenant', 'CLI GmbH', '--admin-email', 'admin@cli.example'], {
      ...env,
      KONTOR_PASSWORD: 'cli admin password 1',
    });
    expect(setup.code, setup.stderr).toBe(0);
    const status = await run(['status'], env);
    expect(status.json()).toMatchObject({ migrations: 'current', companies: 1, users: 1, sessions: 0 });
    const users = await run(['users', 'list', '--tenant', 'CLI GmbH'], {
      ...env,
      KONTOR_USER: 'admin@cli.example',
      KONTOR_PASSWORD: 'cli admin password 1',
    });
    expect(users.json()).toMatchObject([{ email: 'admin@cli.example', roleId: 'administrator' }]);
    expect((await run(['backup', '--out', join(dir, 'x.dump')], env)).stderr).toContain('copying the data directory');
    expect((await run(['nonsense'], env)).code).toBe(2);
    expect((await run(['status'], { KONTOR_SERVER_DATA_DIR: dir })).code).toBe(2); // no passphrase

    const server = await startServer(
      serverEnvSchema.parse({ ...env, KONTOR_SERVER_PORT: '0', KONTOR_SERVER_LOG_LEVEL: 'silent' }),
    );
    try {
      const refused = await run(['status'], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('is open in process');
    } finally {
      await server.close();
    }
    expect((await run(['status'], env)).code).toBe(0);
  }, 60_000);

  it.runIf(process.env['KONTOR_TEST_PG_URL'])(
    'migrates every company and backs the Postgres database up in pg_dump format',
    () =>
      withPgDatabase(async (url) => {
        const env = {
          KONTOR_SERVER_DATA_DIR: join(dir, 'pg'),
          KONTOR_SERVER_MASTER_PASSPHRASE: PASSPHRASE,
          KONTOR_SERVER_DATABASE_URL: url,
        };
        const setup = await run(['setup', '--tenant', 'PG GmbH', '--admin-email', 'admin@pg.example'], {
          ...env,
          KONTOR_PASSWORD: 'pg admin password 1',
        });
        expect(setup.code, setup.stderr).toBe(0);
        expect((await run(['migrate'], env)).json()).toEqual({ system: 'current', companies: 1 });
        const out = join(dir, 'kontor.dump');
        const backup = await run(['backup', '--out', out], env);
        expect(backup.code, backup.stderr).toBe(0);
        expect(readFileSync(out).subarray(0, 5).toString('latin1')).toBe('PGDMP'); // pg_dump's custom format
      }),
    60_000,
  );
});
