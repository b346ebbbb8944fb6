// No secret in the repository: signing certificates, notary and upload credentials live in the
// CI's secrets and the environment only (scripts/packaging, .github/workflows/release.yml). This
// scans every tracked configuration file — packaging, workflows, deployment, IT templates,
// scripts — for key material and credentials written out; tests and docs may show made-up ones.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** Files that configure the build, the release and the deployment (not sources, tests or docs). */
function configurationFiles(): string[] {
  return execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((file) => file !== '' && file !== 'package-lock.json')
    .filter((file) => !/^(src|test|bench|docs|drizzle|resources\/migrations)\//.test(file) && !file.endsWith('.md'));
}

const FORBIDDEN_FILES = /\.(pfx|p12|p8|key|keystore|jks|mobileprovision|provisionprofile)$/i;

const PATTERNS: readonly [string, RegExp][] = [
  ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['an AWS access key', /\bAKIA[0-9A-Z]{16}\b/],
  ['a GitHub token', /\bgh[pousr]_[A-Za-z0-9]{36,}\b/],
  ['a Slack token', /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
  ['an npm token', /\bnpm_[A-Za-z0-9]{36}\b/],
  ['an Apple app-specific password', /\b[a-z]{4}-[a-z]{4}-[a-z]{4}-[a-z]{4}\b/],
  // A credential-like key with a literal value: not a reference (${{ secrets.X }}, $VAR, env.X,
  // process.env), a path (/run/secrets/…, ./secrets/…, *_FILE) or a list of secret names.
  [
    'a credential written out',
    /^[ \t]*["']?[\w.-]*(password|passphrase|secret|token|api[_-]?key|csc_link)(?![\w.-]*_FILE)[\w.-]*["']?[ \t]*[:=][ \t]*(?!\$|\/|\.\/|\[|\{|process\.env|env\.)["']?[^\s'",#]{6,}/im,
  ],
];

/** What in `text` looks like a secret, by kind. */
function secretsIn(text: string): string[] {
  return PATTERNS.filter(([, pattern]) => pattern.test(text)).map(([kind]) => kind);
}

describe('the repository holds no secrets', () => {
  it('finds each kind of secret it looks for (made-up values)', () => {
    expect(secretsIn('-----BEGIN RSA PRIVATE KEY-----\nMIIE')).toEqual(['a private key']);
    expect(secretsIn('aws: AKIAABCDEFGHIJKLMNOP')).toEqual(['an AWS access key']);
    expect(secretsIn(`token ghp_${'a'.repeat(36)}`)).toEqual(['a GitHub token']);
    expect(secretsIn('APPLE_APP_SPECIFIC_PASSWORD: abcd-efgh-ijkl-mnop')).toContain('an Apple app-specific password');
    expect(secretsIn('CSC_KEY_PASSWORD: hunter2hunter2')).toEqual(['a credential written out']);
    expect(secretsIn('certificatePassword = "s3cr3t-pass"')).toEqual(['a credential written out']);
    // References are not secrets.
    expect(secretsIn('KONTOR_WIN_CERT_PASSWORD: ${{ secrets.KONTOR_WIN_CERT_PASSWORD }}')).toEqual([]);
    expect(secretsIn('password: $KONTOR_PASSWORD')).toEqual([]);
    expect(secretsIn('db_password:\n    file: ./secrets/db_password')).toEqual([]);
  });

  it('in any configuration file', () => {
    const files = configurationFiles();
    expect(files).toContain('electron-builder.yml');
    expect(files).toContain('.github/workflows/release.yml');
    expect(files.filter((file) => FORBIDDEN_FILES.test(file))).toEqual([]);
    const found = files.flatMap((file) =>
      secretsIn(readFileSync(join(root, file), 'utf8')).map((kind) => `${file}: ${kind}`),
    );
    expect(found).toEqual([]);
  });
});
