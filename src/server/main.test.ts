// `npm run server` on a fresh machine: the environment checked before anything starts, an embedded
// PGlite data directory and a key file made on the first start and opened again on the next, the
// server answering on loopback until it is closed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serverEnvSchema, startServer } from './main';
import { httpClient } from './testing';

const PASSPHRASE = 'server master passphrase';

describe('starting the Kontor server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kontor-server-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses an environment it cannot run with, saying why', () => {
    const problems = (env: Record<string, string>) =>
      serverEnvSchema.safeParse(env).error?.issues.map((issue) => issue.message) ?? [];
    expect(problems({})).toEqual([
      'give the keys: KONTOR_SERVER_MASTER_PASSPHRASE (or _FILE) for a key file, or KONTOR_SERVER_MASTER_KEY (or _SECRET_FILE) for keys in the database',
    ]);
    expect(problems({ KONTOR_SERVER_MASTER_KEY: 'x', KONTOR_SERVER_MASTER_KEY_SECRET_FILE: 'master.key' })).toEqual([
      'give KONTOR_SERVER_MASTER_KEY or KONTOR_SERVER_MASTER_KEY_SECRET_FILE, not both',
    ]);
    expect(problems({ KONTOR_SERVER_MASTER_PASSPHRASE: 'short' })).toEqual([
      'KONTOR_SERVER_MASTER_PASSPHRASE must have at least 12 characters',
    ]);
    expect(problems({ KONTOR_SERVER_MASTER_PASSPHRASE: PASSPHRASE, KONTOR_SERVER_HOST: '0.0.0.0' })).toEqual([
      expect.stringMatching(/loopback only .* TLS-terminating proxy/),
    ]);
    expect(problems({ KONTOR_SERVER_MASTER_PASSPHRASE: PASSPHRASE, KONTOR_SERVER_TLS_CERT_FILE: 'cert.pem' })).toEqual([
      'give both KONTOR_SERVER_TLS_CERT_FILE and KONTOR_SERVER_TLS_KEY_FILE, or neither',
    ]);
    expect(problems({ KONTOR_SERVER_MASTER_PASSPHRASE: PASSPHRASE, KONTOR_SERVER_PORT: 'achtzig' })).toHaveLength(1);
  });

  it('starts on an embedded database in a fresh directory, answers, closes, and starts again on the same data', async () => {
    const env = serverEnvSchema.parse({
      KONTOR_SERVER_DATA_DIR: dir,
      KONTOR_SERVER_MASTER_PASSPHRASE: PASSPHRASE,
      KONTOR_SERVER_PORT: '0',
      KONTOR_SERVER_LOG_LEVEL: 'silent',
    });
    // The second start reads the passphrase from a file, as a container's secret gives it.
    const secret = join(dir, 'passphrase.txt');
    writeFileSync(secret, `${PASSPHRASE}\n`);
    const { KONTOR_SERVER_MASTER_PASSPHRASE: _given, ...withoutPassphrase } = env;
    for (let start = 0; start < 2; start++) {
      const server = await startServer(
        start === 0 ? env : { ...withoutPassphrase, KONTOR_SERVER_MASTER_PASSPHRASE_FILE: secret },
      );
      try {
        expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
        const { token } = (await (await fetch(`${server.url}/v1/connections`, { method: 'POST' })).json()) as {
          token: string;
        };
        const status = await fetch(`${server.url}/v1/rpc/auth.status`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: '{}',
        });
        expect(status.status).toBe(200);
        expect(await status.json()).toMatchObject({ ok: true });
        if (start === 1) {
          // The server's database is its environment's: shown, never changed from the app.
          const client = httpClient(server.url);
          const admin = await client.connect();
          const setup = await client.rpc(admin, 'auth.setup', {
            company: 'Server GmbH',
            name: 'Admin',
            email: 'admin@server.example',
            password: 'server admin password',
          });
          expect(setup.status).toBe(200);
          expect((await client.rpc(admin, 'settings.getDatabase')).result).toMatchObject({
            ok: true,
            value: {
              active: 'postgres',
              configured: { url: expect.stringContaining('pglite') },
              restartRequired: false,
            },
          });
          expect(await client.rpc(admin, 'settings.setDatabase', { kind: 'sqlite' })).toMatchObject({
            status: 409,
            result: { error: { details: { reason: 'database_fixed' } } },
          });
        }
      } finally {
        await server.close();
      }
    }
    // A wrong passphrase does not open the key file the first start made.
    await expect(startServer({ ...env, KONTOR_SERVER_MASTER_PASSPHRASE: 'another passphrase' })).rejects.toThrow(
      /passphrase does not match/,
    );
  }, 60_000);
});
