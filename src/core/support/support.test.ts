// The support bundle holds what IT needs and nothing secret; About and the licences come from
// what the build made.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { collectLicences } from '../../../scripts/licenses.mjs';
import { combineMachineConfig } from '../machine/machine-config';
import { createFileLogger } from '../logs/file-logger';
import { writeSettingsFile } from '../settings/settings.file';
import { createSupport } from './support';
import { supportHandlers } from './support.handlers';

const dir = mkdtempSync(join(tmpdir(), 'kontor-support-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const clock = { now: () => new Date('2026-12-07T10:11:12.000Z') };
const CA = '-----BEGIN CERTIFICATE-----\nMIIBcompanyCA\n-----END CERTIFICATE-----';

describe('the support bundle', () => {
  it('zips the logs, versions, settings without secrets, the machine configuration and the last errors', () => {
    const settingsFile = join(dir, 'settings.json');
    writeSettingsFile(settingsFile, {
      database: { kind: 'server', url: 'https://kontor.example', ca: CA, fingerprint: undefined },
      keyStore: 'keychain',
    });
    const logger = createFileLogger({ dir: join(dir, 'logs'), clock });
    logger.error('the update check failed', { reason: 'offline', token: 'abc' });
    const machine = combineMachineConfig({
      config: { updateChannel: 'beta' },
      problems: [{ source: 'file', where: 'config.json', field: 'proxy', line: 3, message: 'bad' }],
    });
    const support = createSupport({
      version: '1.2.0',
      machine,
      settingsFile,
      clock,
      logger,
      updates: () => ({ state: 'failed', reason: 'offline', retryable: true }),
    });
    const bundle = support.bundle();
    expect(bundle.fileName).toBe('kontor-support-2026-12-07-10-11-12.zip');
    const files = unzipSync(Buffer.from(bundle.content, 'base64'));
    expect(Object.keys(files).sort()).toEqual([
      'about.json',
      'errors.json',
      'logs/kontor.log',
      'machine.json',
      'settings.json',
      'updates.json',
    ]);
    const text = (name: string) => strFromU8(files[name] ?? new Uint8Array());
    expect(JSON.parse(text('about.json'))).toMatchObject({
      version: '1.2.0',
      channel: 'beta',
      createdAt: '2026-12-07T10:11:12.000Z',
    });
    expect(JSON.parse(text('settings.json'))).toEqual({
      database: { kind: 'server', url: 'https://kontor.example', ca: true, fingerprint: null },
      keyStore: 'keychain',
    });
    expect(JSON.parse(text('machine.json')).problems).toHaveLength(1);
    expect(JSON.parse(text('updates.json'))).toMatchObject({ reason: 'offline' });
    expect(JSON.parse(text('errors.json'))).toEqual([
      expect.objectContaining({ message: 'the update check failed', token: '[redacted]' }),
    ]);
    expect(text('logs/kontor.log')).toContain('the update check failed');
    const everything = Object.keys(files).map(text).join('\n');
    expect(everything).not.toContain('MIIBcompanyCA');
    expect(everything).not.toContain('abc"');
  });

  it('says a settings file is unreadable without its path, and works without a log (the web host)', () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ nope');
    const support = createSupport({
      version: '1.2.0',
      machine: combineMachineConfig({ config: {}, problems: [] }),
      settingsFile: broken,
      clock,
    });
    const files = unzipSync(Buffer.from(support.bundle().content, 'base64'));
    expect(strFromU8(files['settings.json'] ?? new Uint8Array())).toContain('not valid JSON');
    expect(strFromU8(files['settings.json'] ?? new Uint8Array())).not.toContain(dir);
    expect(Object.keys(files).some((name) => name.startsWith('logs/'))).toBe(false);
  });
});

describe('the licences of what Kontor ships', () => {
  it('lists every production package with its licence, not the development ones', () => {
    const { packages, texts } = collectLicences(join(import.meta.dirname, '..', '..', '..'));
    const names = new Set(packages.map((p) => p.name));
    // better-sqlite3 is an alias: the package shipped is better-sqlite3-multiple-ciphers.
    for (const shipped of [
      'react',
      'zod',
      '@mantine/core',
      'better-sqlite3-multiple-ciphers',
      'argon2',
      'electron-updater',
    ]) {
      expect(names, shipped).toContain(shipped);
    }
    for (const tool of ['vitest', 'eslint', 'electron-builder', '@playwright/test'])
      expect(names, tool).not.toContain(tool);
    // Declared by every package but one, whose package names no licence at all.
    expect(packages.filter((p) => p.license === null).map((p) => p.name)).toEqual(['buffers']);
    const react = packages.find((p) => p.name === 'react');
    expect(react?.license).toBe('MIT');
    expect(texts[react?.textId ?? '']).toMatch(/Permission is hereby granted/);
  });

  it('are read from the build’s file, and an absent file lists none', () => {
    const file = join(dir, 'licenses.json');
    writeFileSync(
      file,
      JSON.stringify({
        packages: [{ name: 'a', version: '1.0.0', license: 'MIT', textId: 't' }],
        texts: { t: 'MIT text' },
      }),
    );
    const machine = combineMachineConfig({ config: {}, problems: [] });
    const settingsFile = join(dir, 'none.json');
    expect(
      createSupport({ version: '1', machine, settingsFile, clock, licencesFile: file }).licences().packages,
    ).toHaveLength(1);
    expect(
      createSupport({ version: '1', machine, settingsFile, clock, licencesFile: join(dir, 'gone.json') }).licences(),
    ).toEqual({ packages: [], texts: {} });
  });
});

describe('off the desk', () => {
  it('the Kontor server’s router does not answer them, so an anonymous caller learns nothing', async () => {
    const handlers = supportHandlers(null);
    for (const name of ['app.about', 'app.licences', 'support.bundle'] as const) {
      await expect(handlers[name]({}, {} as never)).rejects.toMatchObject({
        code: 'not_found',
        details: { reason: 'desk_only' },
      });
    }
  });
});
