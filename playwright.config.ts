// End-to-end tests in Debian's Chromium against the web host (and Electron where its binary exists).
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

// Workers evaluate this file again; the environment carries the first evaluation's values to them.
process.env['KONTOR_E2E_TOKEN'] ??= randomBytes(24).toString('base64url');
const dataDir = (process.env['KONTOR_E2E_DATA_DIR'] ??= mkdtempSync(join(tmpdir(), 'kontor-e2e-')));
const port = Number(process.env['KONTOR_E2E_PORT'] ?? 47_173);
const origin = `http://127.0.0.1:${port}`;
// Server mode: a Kontor server (embedded PGlite) and a second web host whose every call goes to it.
const serverPort = port + 1;
const serverModeOrigin = `http://127.0.0.1:${port + 2}`; // test/e2e/server-mode.spec.ts
// That desk gets its Kontor server from IT's machine-wide configuration, as a managed desk does.
const machineConfigFile = join(dataDir, 'machine', 'config.json');
mkdirSync(join(dataDir, 'machine'), { recursive: true });
writeFileSync(
  machineConfigFile,
  JSON.stringify({
    serverUrl: `http://127.0.0.1:${serverPort}`,
    allowDirectPostgres: false,
    disabledFeatures: ['analytics'],
  }),
);

export default defineConfig({
  testDir: 'test/e2e',
  timeout: 30_000,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: origin,
    locale: 'en-US',
    launchOptions: {
      executablePath: process.env['KONTOR_CHROMIUM'] ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    trace: 'retain-on-failure',
  },
  webServer: [
    {
      command: 'node --import tsx src/webhost/main.ts',
      url: `${origin}/?token=${process.env['KONTOR_E2E_TOKEN']}`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        KONTOR_DATA_DIR: dataDir,
        KONTOR_WEB_PORT: String(port),
        KONTOR_WEB_TOKEN: process.env['KONTOR_E2E_TOKEN'],
        KONTOR_KEYSTORE: 'passphrase',
        KONTOR_MASTER_PASSPHRASE: 'e2e master passphrase',
        // The idle-lock test moves the clock on instead of waiting a minute.
        KONTOR_WEB_TEST_CLOCK: '1',
      },
    },
    {
      command: 'node --import tsx src/server/main.ts',
      url: `http://127.0.0.1:${serverPort}/readyz`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        KONTOR_SERVER_DATA_DIR: join(dataDir, 'server'),
        KONTOR_SERVER_MASTER_PASSPHRASE: 'e2e server master passphrase',
        KONTOR_SERVER_PORT: String(serverPort),
        KONTOR_SERVER_LOG_LEVEL: 'warn',
      },
    },
    {
      command: 'node --import tsx src/webhost/main.ts',
      url: `${serverModeOrigin}/?token=${process.env['KONTOR_E2E_TOKEN']}`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        KONTOR_DATA_DIR: join(dataDir, 'desk'),
        KONTOR_WEB_PORT: String(port + 2),
        KONTOR_WEB_TOKEN: process.env['KONTOR_E2E_TOKEN'],
        KONTOR_MACHINE_CONFIG_FILE: machineConfigFile,
      },
    },
  ],
});
