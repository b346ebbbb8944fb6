// The desktop app itself, through Playwright's Electron driver. The Electron binary is downloaded
// lazily and cannot be fetched on every machine; where it is missing this test says so and skips.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { _electron as electron, expect, test } from '@playwright/test';
import { smokeFailure } from '../../scripts/packaging/after-pack.mjs';

const electronDir = join(process.cwd(), 'node_modules', 'electron');
function electronBinary(): string | null {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(
    process.env['ELECTRON_OVERRIDE_DIST_PATH'] ?? join(electronDir, 'dist'),
    readFileSync(pathFile, 'utf8'),
  );
  return existsSync(binary) ? binary : null;
}
const binary = electronBinary();

test.describe('desktop app', () => {
  test.skip(binary === null, 'the Electron binary is not installed on this machine (it cannot be downloaded here)');

  // The packaging hook's check (scripts/packaging/after-pack.mjs) on the built app: every native
  // module loads in Electron (after `electron-builder install-app-deps` built them for it).
  test('loads every native module in Electron (the post-pack smoke test)', () => {
    const output = execFileSync(binary ?? '', [join(process.cwd(), 'out', 'main', 'index.js'), '--kontor-smoke-test'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(smokeFailure(output)).toBeNull();
  });

  test('opens the customers screen and creates a customer over IPC', async () => {
    const app = await electron.launch({
      executablePath: binary ?? undefined,
      args: [join(process.cwd(), 'out', 'main', 'index.js')],
      env: {
        ...process.env,
        KONTOR_DATA_DIR: mkdtempSync(join(tmpdir(), 'kontor-electron-')),
        KONTOR_KEYSTORE: 'passphrase',
        KONTOR_MASTER_PASSPHRASE: 'electron e2e passphrase',
      },
    });
    const page = await app.firstWindow();
    const hasNode = await page.evaluate(() => typeof (globalThis as { require?: unknown }).require !== 'undefined');
    expect(hasNode).toBe(false);
    // Runs in the page, where window.kontor is the preload's bridge.
    type Bridge = { kontor: { invoke(name: string, input: unknown): Promise<unknown> } };
    await page.evaluate(() =>
      (globalThis as unknown as Bridge).kontor.invoke('auth.setup', {
        company: 'Desktop GmbH',
        name: 'Desk Admin',
        email: 'admin@desktop.example',
        password: 'desktop admin password',
      }),
    );
    const created = await page.evaluate(() =>
      (globalThis as unknown as Bridge).kontor.invoke('customers.create', { name: 'Desk Top' }),
    );
    expect(created).toMatchObject({ ok: true });
    await app.close();
  });
});
