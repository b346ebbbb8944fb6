import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import { AdminPage } from './pages/admin-page';
import { AppPage } from './pages/app-page';
import { CustomersPage } from './pages/customers-page';

test.describe('data protection in the browser', () => {
  test('exports a customer as a ZIP, then erases them only after their name is typed', async ({ page }) => {
    const app = new AppPage(page);
    const customers = new CustomersPage(page);
    await customers.open();
    const form = await customers.startNew();
    await form.fill({ Name: 'Ottilie Vergessen', Email: 'ottilie@vergessen.example', City: 'Bremen' });
    await form.save();
    await expect(form.dialog).toBeHidden();
    await customers.searchFor('Vergessen');
    await customers.openCustomer('Ottilie Vergessen');

    const download = await form.exportPersonalData();
    expect(download.suggestedFilename()).toMatch(/^kontor-gdpr-.*\.zip$/);
    const files = unzipSync(readFileSync(await download.path()));
    expect(JSON.parse(strFromU8(files['customer.json'] ?? new Uint8Array()))).toMatchObject({
      name: 'Ottilie Vergessen',
      billingAddress: { city: 'Bremen' },
    });

    const erasure = await form.startErasure();
    await expect(erasure.eraseButton).toBeDisabled();
    await erasure.typeName('Ottilie Vergessen');
    await erasure.eraseButton.click();
    await expect(erasure.dialog).toBeHidden();
    await expect(app.notice('personal data was erased')).toBeVisible();

    await customers.searchFor('Vergessen');
    await expect(customers.emptyMessage('Vergessen')).toBeVisible();
    await customers.searchFor('');
    const erased = customers.rows.filter({ hasText: 'Erased' });
    await expect(erased.first()).toBeVisible();
    await erased.first().getByRole('link').click();
    await expect(form.dialog.getByText(/personal data was erased on/)).toBeVisible();
    await expect(form.saveButton).toHaveCount(0);
  });

  test('shows the keys, rotates them, previews retention and rebuilds the tables with progress', async ({ page }) => {
    await new AppPage(page).openAsAdmin();
    const admin = new AdminPage(page);
    await admin.open('Data protection');
    // Each admin panel has its own address: a reload (or a link) lands on it.
    await expect(page).toHaveURL(/#\/admin\/privacy$/);
    await page.reload();
    await expect(admin.tab('Data protection')).toHaveAttribute('aria-selected', 'true');
    const panel = admin.dataProtection;
    await expect(panel.keyStatus).toContainText('Key version 1');

    await panel.rotateKeys();
    await expect(panel.keyStatus).toContainText('Key version 2');

    await panel.setRetentionYears(10);
    await panel.previewRetention();
    await expect(panel.message('The rule would erase no customer now.')).toBeVisible();

    await panel.rebuildTables();
    await expect(panel.message(/^Rebuilt from [\d,]+ events in [\d,]+ ms\.$/)).toBeVisible();
  });
});
