// `kontor sales import` and the analytics commands as an admin runs them, on local encrypted files:
// the CDNOW sample in, the published model results out.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CDNOW_SAMPLE_PATH, equalToDigits, PUBLISHED } from '../core/analytics/cdnow.testing';
import { runCli } from './cli';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'kontor.mjs');
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

  it('fits the published models on the imported sample, in the bundled command and its worker', async () => {
    // The real binary: out/cli/kontor.mjs starts out/cli/analysis.worker.mjs beside it.
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [bin, 'analytics', 'fit', '--tenant', 'CDNOW Inc', '--calibration-end', '1997-09-30', '--unit', 'week'],
      { env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...ENV, KONTOR_DATA_DIR: dataDir } },
    );
    expect(stderr).not.toContain('main thread');
    const fit = JSON.parse(stdout) as {
      bgnbd: Record<'r' | 'alpha' | 'a' | 'b' | 'logLikelihood', number>;
      gammaGamma: Record<'p' | 'q' | 'v', number>;
      customers: number;
      repeatCustomers: number;
    };
    expect(fit).toMatchObject({ customers: 2357, repeatCustomers: 946 });
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      expect(equalToDigits(fit.bgnbd[key], PUBLISHED.bgnbd[key], 3), key).toBe(true);
    }
    expect(Math.abs(fit.bgnbd.logLikelihood - PUBLISHED.bgnbd.logLikelihood)).toBeLessThanOrEqual(0.1);
    for (const key of ['p', 'q', 'v'] as const) {
      expect(equalToDigits(fit.gammaGamma[key], PUBLISHED.gammaGamma[key], 3), key).toBe(true);
    }
  });

  it('lists the customers likeliest to leave, refreshing first when there is no analysis', async () => {
    const listed = await run(
      'analytics',
      'customers',
      '--tenant',
      'CDNOW Inc',
      '--as-of',
      '1998-06-30',
      '--sort',
      'churn',
      '--limit',
      '3',
    );
    expect(listed.code).toBe(0);
    expect(listed.stderr).toContain('analysing: store');
    const { asOf, customers } = JSON.parse(listed.stdout) as {
      asOf: string;
      customers: { pAlive: number; segment: string }[];
    };
    expect(asOf).toBe('1998-06-30');
    expect(customers).toHaveLength(3);
    expect(customers.every((c) => c.pAlive < 0.5 && typeof c.segment === 'string')).toBe(true);
    const byValue = await run('analytics', 'customers', '--tenant', 'CDNOW Inc', '--limit', '2');
    const top = (JSON.parse(byValue.stdout) as { customers: { clv: number }[] }).customers;
    expect(top[0]?.clv).toBeGreaterThanOrEqual(top[1]?.clv ?? 0);
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
