// Backup, verify and restore of a company with many customers (KONTOR_BENCH_BACKUP_CUSTOMERS,
// default 1,000,000), on the paths users run: the backup through the router (as Admin → Backups
// and `kontor backup create` call it), verify and restore as `kontor backup verify|restore` do.
// Beside it, in the same run: SQLite's own copy of the same store (`VACUUM INTO`), the floor any
// consistent copy of that file stands on. While the backup runs, a customer is read again and
// again through the router: how long a user waits then.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openKontor } from '../src/core/app';
import { restoreBackup, verifyBackup, type SealResolver } from '../src/core/backup/backup';
import { defaultMigrationsDir } from '../src/core/config';
import { openEncryptedSqlite } from '../src/core/db/sqlite';
import { tenantDatabaseFile } from '../src/core/db/sqlite-stores';
import { memoryKeyStore, quietLogger } from '../src/core/db/testing';
import { keyNames } from '../src/core/keys/keystore';
import type { BackupSummaryView, CustomerPage, Tenant } from '../src/shared/contract';
import { load, percentile, type BenchRow } from './customers';

const COUNT = Number(process.env['KONTOR_BENCH_BACKUP_CUSTOMERS'] ?? 1_000_000);
const session = { meta: { connection: 'bench-backup' } };
const ADMIN = {
  company: 'Sicherung GmbH',
  name: 'Bench',
  email: 'admin@backup.example',
  password: 'bench admin password',
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

export async function backupBenchmark(rows: BenchRow[]): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'kontor-bench-backup-'));
  const dataDir = join(root, 'data');
  const keyStore = memoryKeyStore();
  const kontor = await openKontor({
    dataDir,
    migrationsDir: defaultMigrationsDir(),
    database: { kind: 'sqlite' },
    keyStore,
    settingsFile: join(dataDir, 'settings.json'),
    version: 'bench',
    logger: quietLogger,
  });
  const n = COUNT.toLocaleString('en');
  try {
    const call = async <T>(name: string, input: unknown): Promise<T> => {
      const result = await kontor.router.call(name, input, session);
      if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
      return result.value as T;
    };
    await call('auth.setup', ADMIN);
    const tenant = (await call<Tenant[]>('tenants.list', {}))[0] as Tenant;
    await call('customers.get', { id: '00000000-0000-7000-8000-000000000000' }).catch(() => undefined);
    console.error(`bench: loading ${n} customers for the backup…`);
    const master = (await keyStore.getKey(keyNames.fieldMaster)) as Buffer;
    const key = await keyStore.getOrCreateKey(keyNames.tenantDatabase(tenant.id));
    const file = tenantDatabaseFile(dataDir, tenant.id);
    await load(kontor, tenant.id, master, { kind: 'sqlite', file, key: key.toString('hex') }, COUNT);
    await call('backups.configure', { folder: join(root, 'backups'), schedule: 'off' });
    const someone = (await call<CustomerPage>('customers.list', { limit: 1 })).items[0]?.id;

    // The baseline: SQLite's own consistent copy of the company's store (indexes included).
    console.error('bench:   VACUUM INTO (baseline)…');
    const raw = openEncryptedSqlite(file, key);
    const vacuum = await timed(async () => raw.exec(`VACUUM INTO '${join(root, 'vacuum.db')}'`));
    raw.close();
    const vacuumBytes = statSync(join(root, 'vacuum.db')).size;
    rmSync(join(root, 'vacuum.db'));
    const storeBytes = statSync(file).size;

    console.error('bench:   backups.create…');
    const waits: number[] = [];
    let backingUp = true;
    const reader = (async () => {
      while (backingUp) {
        const { ms } = await timed(() => kontor.router.call('customers.get', { id: someone }, session));
        waits.push(ms);
        await new Promise((done) => setTimeout(done, 20));
      }
    })();
    const made = await timed(() => call<BackupSummaryView>('backups.create', {}));
    backingUp = false;
    await reader;
    waits.sort((a, b) => a - b);
    const backupFile = join(root, 'backups', made.value.name);

    const seal: SealResolver = async () => ({
      kind: 'installation',
      key: (await keyStore.getKey(keyNames.backupSeal)) as Buffer,
    });
    console.error('bench:   verify…');
    const verified = await timed(() => verifyBackup(backupFile, seal, root));
    if (!verified.value.ok) throw new Error(`the backup did not verify: ${verified.value.problems.join('; ')}`);
    console.error('bench:   restore…');
    const target = join(root, 'restored');
    const targetKeys = memoryKeyStore();
    await targetKeys.putKey(keyNames.backupSeal, (await keyStore.getKey(keyNames.backupSeal)) as Buffer);
    const restored = await timed(async () => {
      const result = await restoreBackup(backupFile, seal, { dataDir: target, keyStore: targetKeys });
      const reopened = await openKontor({
        dataDir: target,
        migrationsDir: defaultMigrationsDir(),
        database: { kind: 'sqlite' },
        keyStore: targetKeys,
        settingsFile: join(target, 'settings.json'),
        version: 'bench',
        logger: quietLogger,
      });
      await reopened.reapplyErasures(result.erasures);
      await reopened.close();
      return result;
    });
    if (restored.value.summary.customers !== COUNT) throw new Error('the restore lacks customers');

    rows.push(
      {
        benchmark: `backup of a company with ${n} customers (backups.create)`,
        measure: 'time, file size (store on disk)',
        kontor: `${seconds(made.ms)}, ${mb(made.value.bytes)} (store ${mb(storeBytes)})`,
        baseline: `${seconds(vacuum.ms)}, ${mb(vacuumBytes)} (VACUUM INTO, with indexes)`,
        ratio: `${(made.ms / vacuum.ms).toFixed(2)}×`,
        target: '—',
      },
      {
        benchmark: `  customers.get while that backup runs (${waits.length} calls)`,
        measure: 'p50 / p99 / max',
        kontor: `${percentile(waits, 50).toFixed(1)} ms / ${percentile(waits, 99).toFixed(1)} ms / ${(waits.at(-1) ?? 0).toFixed(1)} ms`,
        baseline: '—',
        ratio: '—',
        target: 'the app keeps answering',
      },
      {
        benchmark: `verify that backup (kontor backup verify)`,
        measure: 'time',
        kontor: seconds(verified.ms),
        baseline: '—',
        ratio: '—',
        target: '—',
      },
      {
        benchmark: `restore it into a new data directory (kontor backup restore)`,
        measure: 'time (checks, indexes, keys, first open)',
        kontor: seconds(restored.ms),
        baseline: `${seconds(vacuum.ms)} (VACUUM INTO)`,
        ratio: `${(restored.ms / vacuum.ms).toFixed(2)}×`,
        target: '—',
      },
    );
  } finally {
    await kontor.close();
    rmSync(root, { recursive: true, force: true });
  }
}
