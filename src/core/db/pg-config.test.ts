// How a Postgres address becomes a connection: TLS by sslmode (verify-full unless the server is on
// this machine), passwords from a file, and refusals that name no path.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pgClientConfig } from './pg-config';
import { connectPostgres } from './postgres';

const dir = mkdtempSync(join(tmpdir(), 'kontor-pgconf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('postgres connection settings', () => {
  it('verifies the certificate and host name of a server elsewhere unless told otherwise', () => {
    expect(pgClientConfig('postgres://kontor@db.firma.local/kontor')).toMatchObject({
      sslmode: 'verify-full',
      ssl: { rejectUnauthorized: true },
    });
    expect(pgClientConfig('postgres://kontor@10.0.0.5:5432/kontor').sslmode).toBe('verify-full');
  });

  it('talks plain text to a server on this machine by default', () => {
    for (const url of [
      'postgres://kontor@127.0.0.1/kontor',
      'postgres://kontor@localhost:5432/kontor',
      'postgres://kontor@[::1]/kontor',
      'postgres:///kontor?host=/var/run/postgresql',
    ]) {
      expect(pgClientConfig(url), url).toMatchObject({ sslmode: 'disable', ssl: false });
    }
  });

  it('honours every sslmode it supports and refuses the ones that may fall back to plain text', () => {
    expect(pgClientConfig('postgres://k@db.firma.local/k?sslmode=disable').ssl).toBe(false);
    expect(pgClientConfig('postgres://k@db.firma.local/k?sslmode=require').ssl).toMatchObject({
      rejectUnauthorized: false,
    });
    const verifyCa = pgClientConfig('postgres://k@db.firma.local/k?sslmode=verify-ca').ssl;
    expect(verifyCa).toMatchObject({ rejectUnauthorized: true });
    expect(verifyCa && verifyCa.checkServerIdentity?.('other.host', {} as never)).toBeUndefined();
    expect(pgClientConfig('postgres://k@127.0.0.1/k?sslmode=verify-full').ssl).toMatchObject({
      rejectUnauthorized: true,
    });
    for (const mode of ['prefer', 'allow', 'sometimes']) {
      expect(() => pgClientConfig(`postgres://k@db.firma.local/k?sslmode=${mode}`)).toThrow(/sslmode/);
    }
    // The parameters Kontor handles itself do not reach the driver, which would read them its own way.
    expect(
      pgClientConfig('postgres://k@db.firma.local/k?sslmode=require&application_name=kontor').connectionString,
    ).toBe('postgres://k@db.firma.local/k?application_name=kontor');
  });

  it('reads the password from a password file, and a CA certificate from its file', () => {
    const passfile = join(dir, 'pw');
    writeFileSync(passfile, 'geheim #1\n');
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
    const config = pgClientConfig(`postgres://kontor@db.firma.local/k?passfile=${passfile}&sslrootcert=${ca}`);
    expect(new URL(config.connectionString).password).toBe(encodeURIComponent('geheim #1'));
    expect(config.connectionString).not.toContain('passfile');
    expect(config.ssl).toMatchObject({ ca: '-----BEGIN CERTIFICATE-----\n', rejectUnauthorized: true });
    let message = '';
    try {
      pgClientConfig(`postgres://kontor@db.firma.local/k?passfile=${join(dir, 'missing')}`);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('password file');
    expect(message).not.toContain(dir);
  });

  it.skipIf(!process.env['KONTOR_TEST_PG_URL'])(
    'refuses to go on without TLS when sslmode asks for it (the local server has none)',
    async () => {
      const url = new URL(process.env['KONTOR_TEST_PG_URL'] ?? '');
      url.searchParams.set('sslmode', 'require');
      await expect(connectPostgres(url.toString())).rejects.toMatchObject({
        code: 'locked',
        details: { reason: 'database_unreachable' },
        internal: expect.stringMatching(/SSL/i),
      });
    },
  );
});
