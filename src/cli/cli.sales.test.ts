// `kontor sales import` and the analytics commands as an admin runs them, on local encrypted files:
// the CDNOW sample in, the published model results out.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CDNOW_SAMPLE_PATH } from '../core/analytics/cdnow.testing';
import { runCli } from './cli';

const ENV = {
  KONTOR_USER: 'admin@cdnow.example',
  KONTOR_PASSWORD: 'cdnow admin password',
  KONTOR_KEYSTORE: 'passphrase',
  KONTOR_MASTER_PASSPHRASE: 'cli sales test passphrase',
};

describe('kontor sales and analytics commands', { timeout: 120_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kontor-cli-sales-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const run = async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli({
      argv,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...ENV, KONTOR_DATA_DIR: dataDir },
      io: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
      version: 'test',
    });
    return { code, stdout, stderr };
  };

  it('imports the CDNOW sample with a dry run first, then for real', async () => {
    expect((await run('setup', '--tenant', 'CDNOW Inc', '--admin-email', ENV.KONTOR_USER)).code).toBe(0);
    const dry = await run(
      'sales',
      'import',
      '--tenant',
      'CDNOW Inc',
      '--format',
      'cdnow',
      '--create-customers',
      '--dry-run',
      CDNOW_SAMPLE_PATH,
    );
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, rows: 6919, imported: 0, customersCreated: 2357 });
    const done = await run(
      'sales',
      'import',
      '--tenant',
      'CDNOW Inc',
      '--format',
      'cdnow',
      '--create-customers',
      CDNOW_SAMPLE_PATH,
    );
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ rows: 6919, imported: 6919, customersCreated: 2357, rejected: [] });
    expect(done.stderr).toContain('importing: 6,919 rows read');
  });

  it('says which flag is wrong and imports nothing', async () => {
    const file = join(dataDir, 'one.csv');
    writeFileSync(file, 'Kunde;Datum;Betrag\n0001;2026-01-01;5\n');
    const bad = await run('sales', 'import', '--tenant', 'CDNOW Inc', '--vat-rate', 'neunzehn', file);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('--vat-rate must be a percentage') });
    const missing = await run('sales', 'import', '--tenant', 'CDNOW Inc', join(dataDir, 'absent.csv'));
    expect(missing.code).toBe(1);
  });
});
