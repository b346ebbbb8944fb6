// (Named to run after auth.spec.ts, whose first test sets the installation up.)
// About Kontor in Settings: the version and the update state (the web host has no updater), the
// licences of the shipped packages as the build listed them, and a support bundle that downloads
// as a zip without secrets.
import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app-page';
import { SettingsPage } from './pages/settings-page';

test('About shows the version, the licences, and makes a support bundle for IT', async ({ page }) => {
  await new AppPage(page).openAsAdmin();
  const settings = new SettingsPage(page);
  await settings.open();
  await expect(settings.section('About Kontor')).toBeVisible();
  const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
  await expect(page.getByText(`Version ${version}, update channel: stable`)).toBeVisible();
  await expect(page.getByText('This window does not update itself.')).toBeVisible();

  await page.getByRole('button', { name: 'Open-source licences' }).click();
  const dialog = page.getByRole('dialog', { name: 'Open-source licences' });
  await dialog.getByLabel('Filter packages').fill('react-dom');
  const row = dialog.getByRole('row', { name: /^react-dom \d/ });
  await expect(row).toContainText('MIT');
  await row.getByRole('button', { name: 'MIT' }).click();
  await expect(dialog.getByLabel('Licence text')).toContainText('Permission is hereby granted');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Create support bundle' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^kontor-support-[\d-]+\.zip$/);
  const files = unzipSync(readFileSync(await download.path()));
  expect(Object.keys(files)).toEqual(expect.arrayContaining(['about.json', 'settings.json', 'machine.json']));
  expect(strFromU8(files['about.json'] ?? new Uint8Array())).toContain(`"version": "${version}"`);
  await expect(page.getByText(/Saved kontor-support-.*\.zip/)).toBeVisible();
});
