// A desk in server mode, in the browser: the web host forwards every call to a Kontor server (an
// embedded PGlite behind it), and the renderer is the same. The company is set up on the server,
// customers are made, imported from a file and found through it, Settings says the desk uses the server, and the desk's
// own data directory holds no database. The desk has its server from IT's machine-wide configuration
// (playwright.config.ts), which also switches analytics off: Settings shows what IT set and locks it.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app-page';
import { CustomersPage } from './pages/customers-page';
import { SettingsPage } from './pages/settings-page';

// The second web host of playwright.config.ts, two ports above the first.
test.use({ baseURL: `http://127.0.0.1:${Number(process.env['KONTOR_E2E_PORT'] ?? 47_173) + 2}` });

test('a desk in server mode sets up the company on the server and works with customers through it', async ({
  page,
}) => {
  const customers = new CustomersPage(page);
  await customers.open();
  const form = await customers.startNew();
  await form.fill({ Name: 'Serverkunde Brandt', City: 'Rostock' });
  await form.save();
  await expect(form.dialog).toBeHidden();
  await page.reload();
  await customers.searchFor('brandt');
  await expect(customers.row('Serverkunde Brandt')).toContainText('Rostock');
  // A file chosen in the browser goes up to the server, which imports it.
  await customers.importCsv(
    'server.csv',
    'Firma;Ort\nHochgeladen Eins GmbH;Wismar\nHochgeladen Zwei AG;Greifswald\n',
    2,
  );
  await customers.searchFor('hochgeladen');
  await expect(customers.rows).toHaveCount(2);

  const settings = new SettingsPage(page);
  await settings.open();
  await expect(page.getByText('In use now: Kontor server (recommended for several desks)')).toBeVisible();
  await expect(settings.section('Set by IT')).toBeVisible();
  await expect(page.getByText('Set by IT: the database of this computer cannot be changed here.')).toBeVisible();
  await expect(page.getByRole('radio', { name: 'Local encrypted database' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Save database choice' })).toBeDisabled();
  const app = new AppPage(page);
  await expect(app.navLink('Settings')).toBeVisible();
  await expect(app.navLink('Analytics')).toHaveCount(0);
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The server answers and is ready.' })).toBeVisible();

  const desk = join(process.env['KONTOR_E2E_DATA_DIR'] ?? '', 'desk');
  const files = existsSync(desk) ? readdirSync(desk) : [];
  expect(files.filter((name) => name.endsWith('.db'))).toEqual([]);
  await expect(app.customersHeading.or(settings.section('Appearance'))).toBeVisible();
});
