import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MachineConfig } from '../../shared/machine-config';
import { createEnvironmentGate, machineFromEnvironment } from '../config';
import { quietLogger } from '../db/testing';
import { settingsFilePath, writeSettingsFile } from '../settings/settings.file';
import { systemClock } from '../deps';
import { createUpdater } from '../updates/updater';
import { combineMachineConfig } from './machine-config';

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kontor-machine-gate-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const admin = { company: 'IT AG', name: 'IT Admin', email: 'admin@it.example', password: 'it admin password' };
const meta = { meta: { connection: 'machine-test' } };
const env = { KONTOR_KEYSTORE: 'passphrase' as const, KONTOR_MASTER_PASSPHRASE: 'the machine passphrase' };
const machine = (config: MachineConfig) => combineMachineConfig({ config, problems: [] });

describe("IT's machine-wide configuration in front of the app", () => {
  it('refuses the features IT switched off and a direct Postgres connection, and tells the screens what is locked', async () => {
    const state = machine({
      disabledFeatures: ['analytics', 'export'],
      allowDirectPostgres: false,
      defaultLanguage: 'de',
    });
    const gate = createEnvironmentGate({ dataDir: dataDir(), env, version: 't', logger: quietLogger, machine: state });
    // Answered before the data is open: the sign-in screen takes the language from it.
    expect(await gate.call('app.machine', {})).toEqual({ ok: true, value: state });
    await gate.start();
    expect(await gate.call('auth.setup', admin, meta)).toMatchObject({ ok: true });
    expect(await gate.call('app.machine', {}, meta)).toMatchObject({
      ok: true,
      value: { locked: ['allowDirectPostgres', 'disabledFeatures', 'defaultLanguage'] },
    });
    for (const name of ['analytics.status', 'customers.export', 'contacts.export']) {
      expect(await gate.call(name, {}, meta), name).toMatchObject({
        ok: false,
        error: { code: 'forbidden', details: { reason: 'feature_disabled' } },
      });
    }
    expect(await gate.call('customers.list', {}, meta)).toMatchObject({ ok: true });
    expect(
      await gate.call('settings.setDatabase', { kind: 'postgres', url: 'postgres://kontor@db.example/kontor' }, meta),
    ).toMatchObject({ ok: false, error: { code: 'forbidden', details: { reason: 'direct_database_disabled' } } });
    expect(await gate.call('settings.setDatabase', { kind: 'sqlite' }, meta)).toMatchObject({ ok: true });
    await gate.close();
  });

  it('does not open a Postgres database the settings file names when IT forbids it, and says why', async () => {
    const dir = dataDir();
    writeSettingsFile(settingsFilePath(dir), {
      database: { kind: 'postgres', url: 'postgres://kontor@127.0.0.1:9/kontor' },
    });
    const gate = createEnvironmentGate({
      dataDir: dir,
      env,
      version: 't',
      logger: quietLogger,
      machine: machine({ allowDirectPostgres: false }),
    });
    await gate.start();
    const status = await gate.call('app.status', {});
    expect(status).toMatchObject({ ok: true, value: { state: 'locked' } });
    expect(JSON.stringify(status)).toContain('IT does not allow a direct Postgres connection');
    await gate.close();
  });

  it('sends every call to the Kontor server IT set, and keeps the choice from being changed here', async () => {
    const dir = dataDir();
    const gate = createEnvironmentGate({
      dataDir: dir,
      env: {},
      version: 't',
      logger: quietLogger,
      machine: machine({ serverUrl: 'http://127.0.0.1:9' }),
    });
    await gate.start();
    // Nothing listens there: the call went to the server, not to a local database.
    expect(await gate.call('auth.status', {}, meta)).toMatchObject({
      ok: false,
      error: { details: { reason: 'server_unreachable' } },
    });
    expect(await gate.call('settings.setDatabase', { kind: 'sqlite' }, meta)).toMatchObject({
      ok: false,
      error: { code: 'forbidden', details: { reason: 'set_by_it' } },
    });
    await gate.close();
  });

  it('reads the file the environment names and logs what is wrong with it', async () => {
    const file = join(dataDir(), 'config.json');
    writeFileSync(file, '{\n  "updateChannel": "beta",\n  "proxy": 3128\n}\n');
    const warnings: unknown[] = [];
    const logger = {
      ...quietLogger,
      warn: (message: string, fields?: unknown) => void warnings.push({ message, fields }),
    };
    const state = await machineFromEnvironment({ KONTOR_MACHINE_CONFIG_FILE: file }, logger);
    expect(state.config).toEqual({ updateChannel: 'beta' });
    expect(warnings).toEqual([
      {
        message: 'a machine-wide setting is left out',
        fields: expect.objectContaining({ field: 'proxy', line: 3, where: file }),
      },
    ]);
  });
});

describe("the desk's updates in front of the gate", () => {
  it('answers for the updater of this computer whatever gate is behind, and says when there is none', async () => {
    const bare = createEnvironmentGate({ dataDir: dataDir(), env, version: 't', logger: quietLogger });
    expect(await bare.call('updates.status', {})).toEqual({ ok: true, value: { state: 'disabled', why: 'not_here' } });
    expect(await bare.call('updates.restart', {})).toMatchObject({
      ok: false,
      error: { code: 'conflict', details: { reason: 'no_update_ready' } },
    });
    const updater = createUpdater({
      config: { updatesEnabled: false, updateUrl: 'https://updates.example.com' },
      currentVersion: '1.0.0',
      installationId: 'x',
      platform: 'linux',
      arch: 'x64',
      engine: { download: async () => undefined, install: async () => undefined },
      busy: () => null,
      clock: systemClock,
      logger: quietLogger,
    });
    // A desk in server mode: the updater still answers here, not the server.
    const remote = createEnvironmentGate({
      dataDir: dataDir(),
      env: {},
      version: 't',
      logger: quietLogger,
      machine: machine({ serverUrl: 'http://127.0.0.1:9', updatesEnabled: false }),
      updater,
    });
    expect(await remote.call('updates.check', {})).toEqual({ ok: true, value: { state: 'disabled', why: 'by_it' } });
    expect(await remote.call('updates.check', { extra: 1 })).toMatchObject({
      ok: false,
      error: { code: 'validation' },
    });
    await bare.close();
    await remote.close();
  });
});

describe('About and the support bundle in front of the gate', () => {
  it('answer while the data is still locked', async () => {
    const gate = createEnvironmentGate({
      dataDir: dataDir(),
      env: { KONTOR_KEYSTORE: 'passphrase' },
      version: '9.9.9',
      logger: quietLogger,
      machine: machine({ updateChannel: 'beta' }),
    });
    await gate.start();
    expect(await gate.call('app.status', {})).toMatchObject({ value: { state: 'locked' } });
    expect(await gate.call('app.about', {})).toMatchObject({ ok: true, value: { version: '9.9.9', channel: 'beta' } });
    expect(await gate.call('support.bundle', {})).toMatchObject({
      ok: true,
      value: { fileName: expect.stringMatching(/\.zip$/) },
    });
    expect(await gate.call('app.licences', {})).toEqual({ ok: true, value: { packages: [], texts: {} } });
    await gate.close();
  });
});
