// How Kontor connects to a Postgres server: TLS as the URL's sslmode says (verify-full unless the
// server is on this machine), the password from the URL, a password file, PGPASSWORD or ~/.pgpass.
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { AppError } from '../../shared/errors';
import { isLocalHost } from '../net/local-host';

export const sslModes = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof sslModes)[number];

export interface PgClientConfig {
  /** The URL without the parameters Kontor handles itself (sslmode, sslrootcert, passfile…). */
  readonly connectionString: string;
  readonly ssl: false | ConnectionOptions;
  readonly sslmode: SslMode;
}

const invalid = (message: string) =>
  new AppError('validation', message, { issues: [{ path: 'url', rule: 'pg_url', message }] });

function readFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new AppError(
      'validation',
      `the ${what} named in the database address cannot be read`,
      undefined,
      `${path}: ${(error as Error).message}`,
    );
  }
}

export function pgClientConfig(url: string): PgClientConfig {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('not a valid postgres:// address');
  }
  // What the driver decodes (host, user, password, database) must decode.
  for (const part of [parsed.hostname, parsed.username, parsed.password, parsed.pathname]) {
    try {
      decodeURIComponent(part);
    } catch {
      throw invalid('the address holds a broken %-escape (write % as %25)');
    }
  }
  const params = parsed.searchParams;
  const requested = params.get('sslmode');
  if (requested === 'prefer' || requested === 'allow') {
    throw invalid(
      `sslmode=${requested} may fall back to an unencrypted connection; use require, verify-ca or verify-full (disable only on this machine or a trusted network)`,
    );
  }
  if (requested !== null && !(sslModes as readonly string[]).includes(requested)) {
    throw invalid(`unknown sslmode '${requested}'; use disable, require, verify-ca or verify-full`);
  }
  const host = params.get('host') ?? decodeURIComponent(parsed.hostname);
  const sslmode: SslMode = (requested as SslMode | null) ?? (isLocalHost(host) ? 'disable' : 'verify-full');

  const ca = params.get('sslrootcert');
  const cert = params.get('sslcert');
  const key = params.get('sslkey');
  const passfile = params.get('passfile');
  for (const handled of ['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'passfile', 'uselibpqcompat']) {
    params.delete(handled);
  }

  const files: ConnectionOptions = {
    ...(ca !== null && { ca: readFile(ca, 'CA certificate (sslrootcert)') }),
    ...(cert !== null && { cert: readFile(cert, 'client certificate (sslcert)') }),
    ...(key !== null && { key: readFile(key, 'client key (sslkey)') }),
  };
  const ssl: false | ConnectionOptions =
    sslmode === 'disable'
      ? false
      : sslmode === 'require'
        ? { ...files, rejectUnauthorized: false }
        : sslmode === 'verify-ca'
          ? // The chain is checked, the host name is not (libpq's verify-ca).
            { ...files, rejectUnauthorized: true, checkServerIdentity: () => undefined }
          : { ...files, rejectUnauthorized: true };

  // Without a password in the URL, pg itself falls back to PGPASSWORD, then ~/.pgpass.
  if (passfile !== null && parsed.password === '') {
    parsed.password = encodeURIComponent(readFile(passfile, 'password file (passfile)').split(/\r?\n/)[0] ?? '');
  }
  return { connectionString: parsed.toString(), ssl, sslmode };
}
