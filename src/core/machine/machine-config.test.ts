import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { disabledFeatureOf, machineKeys, proxyRules } from '../../shared/machine-config';
import { EXAMPLE_CONFIG } from './policy-templates';
import {
  combineMachineConfig,
  loadMachineConfig,
  machineConfigFile,
  parseMachineFile,
  parseManagedPreferences,
  parsePolicies,
  policyValueName,
} from './machine-config';

const dir = mkdtempSync(join(tmpdir(), 'kontor-machine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GOOD = {
  updatesEnabled: false,
  updateUrl: 'https://updates.example.com/kontor',
  updateChannel: 'beta',
  serverUrl: 'https://kontor.example.com',
  serverCaFile: 'C:\\ProgramData\\Kontor\\ca.pem',
  serverFingerprint: 'AB'.repeat(32),
  allowDirectPostgres: false,
  proxy: 'http://proxy.example.com:3128',
  disabledFeatures: ['analytics', 'export'],
  defaultLanguage: 'en',
  backupFolder: '\\\\fileserver\\backups\\kontor',
  backupSchedule: 'off',
};

describe('the machine-wide configuration file', () => {
  it('lives where each platform keeps machine settings', () => {
    expect(machineConfigFile('win32', { ProgramData: 'D:\\ProgramData' })).toBe('D:\\ProgramData\\Kontor\\config.json');
    expect(machineConfigFile('win32', {})).toBe('C:\\ProgramData\\Kontor\\config.json');
    expect(machineConfigFile('darwin')).toBe('/Library/Application Support/Kontor/config.json');
    expect(machineConfigFile('linux')).toBe('/etc/kontor/config.json');
  });

  it('reads every setting of a good file (a $schema line and a byte order mark included)', () => {
    const text = `\uFEFF${JSON.stringify({ $schema: './kontor-config.schema.json', ...GOOD }, null, 2)}`;
    const { config, problems } = parseMachineFile(text, 'config.json');
    expect(problems).toEqual([]);
    expect(config).toEqual(GOOD);
    expect(Object.keys(GOOD).sort()).toEqual([...machineKeys].sort());
  });

  it('leaves out each bad value, naming its field and line, and keeps the good ones', () => {
    const text = [
      '{',
      '  "updatesEnabled": "yes",',
      '  "updateUrl": "http://updates.example.com",',
      '  "updateChannel": "nightly",',
      '  "serverUrl": "https://kontor.example.com",',
      '  "serverFingerprint": "12:34",',
      '  "proxy": "proxy.example.com:3128",',
      '  "disabledFeatures": ["analytics", "printing"],',
      '  "defaultLanguage": "fr",',
      '  "updateUrll": "https://typo.example.com"',
      '}',
    ].join('\n');
    const { config, problems } = parseMachineFile(text, 'C:\\ProgramData\\Kontor\\config.json');
    expect(config).toEqual({ serverUrl: 'https://kontor.example.com' });
    expect(problems.map((p) => [p.field, p.line])).toEqual([
      ['updatesEnabled', 2],
      ['updateUrl', 3],
      ['updateChannel', 4],
      ['serverFingerprint', 6],
      ['proxy', 7],
      ['disabledFeatures', 8],
      ['defaultLanguage', 9],
      ['updateUrll', 10],
    ]);
    expect(problems.every((p) => p.source === 'file' && p.where === 'C:\\ProgramData\\Kontor\\config.json')).toBe(true);
    expect(problems[1]?.message).toMatch(/https/);
    expect(problems[7]?.message).toMatch(/unknown setting/);
  });

  it('applies nothing from a file that is not JSON, and says on which line it breaks', () => {
    const broken = parseMachineFile('{\n  "updatesEnabled": true,\n  "updateUrl": https://x\n}', 'config.json');
    expect(broken.config).toEqual({});
    expect(broken.problems).toEqual([
      expect.objectContaining({ field: '', line: 3, message: expect.stringMatching(/not valid JSON/) }),
    ]);
    expect(parseMachineFile('[1, 2]', 'config.json').problems[0]?.message).toBe('must be a JSON object');
    expect(parseMachineFile('', 'config.json').config).toEqual({});
    // Comments are not JSON either: IT's editor may allow them, Kontor says where.
    expect(parseMachineFile('{\n  // updates\n  "updatesEnabled": true\n}', 'c').problems[0]?.line).toBe(2);
  });

  it('reads the file from disk, and no file is no configuration', async () => {
    const file = join(dir, 'config.json');
    expect(await loadMachineConfig('linux', file)).toEqual({ config: {}, locked: [], problems: [] });
    writeFileSync(file, JSON.stringify({ updateChannel: 'beta', defaultLanguage: 'xx' }));
    const state = await loadMachineConfig('linux', file);
    expect(state.config).toEqual({ updateChannel: 'beta' });
    expect(state.locked).toEqual(['updateChannel']);
    expect(state.problems).toEqual([expect.objectContaining({ field: 'defaultLanguage', line: 1, where: file })]);
  });
});

describe('Group Policy and configuration profiles', () => {
  const regOutput = [
    '',
    'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Kontor',
    '    UpdatesEnabled    REG_DWORD    0x0',
    '    UpdateUrl    REG_SZ    https://updates.example.com/kontor',
    '    UpdateChannel    REG_SZ    beta',
    '    AllowDirectPostgres    REG_DWORD    0x1',
    '    DefaultLanguage    REG_SZ    klingon',
    '',
    'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Kontor\\DisabledFeatures',
    '    1    REG_SZ    analytics',
    '    2    REG_SZ    import',
    '',
  ].join('\r\n');

  it('reads the policy values reg.exe lists, the list from its subkey', () => {
    const { config, problems } = parsePolicies(regOutput);
    expect(config).toEqual({
      updatesEnabled: false,
      updateUrl: 'https://updates.example.com/kontor',
      updateChannel: 'beta',
      allowDirectPostgres: true,
      disabledFeatures: ['analytics', 'import'],
    });
    expect(problems).toEqual([
      expect.objectContaining({
        source: 'policy',
        field: 'defaultLanguage',
        where: 'HKLM\\SOFTWARE\\Policies\\Kontor\\DefaultLanguage',
      }),
    ]);
    expect(parsePolicies('')).toEqual({ config: {}, problems: [] });
    expect(policyValueName('allowDirectPostgres')).toBe('AllowDirectPostgres');
  });

  it('reads the preferences a macOS profile forces, as plutil prints them', () => {
    const forced = parseManagedPreferences(
      JSON.stringify({ ...EXAMPLE_CONFIG, updateChannel: 'alpha', Other: 1 }),
      'plist',
    );
    expect(forced.config.serverUrl).toBe(EXAMPLE_CONFIG.serverUrl);
    expect(forced.config.updateChannel).toBeUndefined();
    expect(forced.problems.map((p) => p.field)).toEqual(['updateChannel']);
    expect(parseManagedPreferences('not json', 'plist').problems[0]?.message).toBe('not readable');
  });

  it('puts a policy over the file, field by field, and locks what either sets', () => {
    const state = combineMachineConfig(
      { config: { updateChannel: 'stable', proxy: 'direct' }, problems: [] },
      parsePolicies(regOutput),
    );
    expect(state.config.updateChannel).toBe('beta');
    expect(state.config.proxy).toBe('direct');
    expect(state.locked).toEqual([
      'updatesEnabled',
      'updateUrl',
      'updateChannel',
      'allowDirectPostgres',
      'proxy',
      'disabledFeatures',
    ]);
    expect(state.problems).toHaveLength(1);
  });

  it('names the feature a procedure belongs to when IT switched it off', () => {
    const config = { disabledFeatures: ['analytics', 'import', 'keyBackupExport'] as const };
    const off = { disabledFeatures: [...config.disabledFeatures] };
    expect(disabledFeatureOf('analytics.refresh', off)).toBe('analytics');
    expect(disabledFeatureOf('sales.import', off)).toBe('import');
    expect(disabledFeatureOf('keys.exportBackup', off)).toBe('keyBackupExport');
    expect(disabledFeatureOf('customers.export', off)).toBeNull();
    expect(disabledFeatureOf('customers.list', off)).toBeNull();
    expect(disabledFeatureOf('analytics.refresh', {})).toBeNull();
  });
});

describe('the proxy IT sets', () => {
  it('becomes Electron’s proxy settings', () => {
    expect(proxyRules(undefined)).toEqual({ mode: 'system' });
    expect(proxyRules('system')).toEqual({ mode: 'system' });
    expect(proxyRules('direct')).toEqual({ mode: 'direct' });
    expect(proxyRules('http://proxy.example.com:3128')).toEqual({
      mode: 'fixed_servers',
      proxyRules: 'http://proxy.example.com:3128',
    });
  });
});
