import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import { AppPage } from './pages/app-page';
import { CustomersPage } from './pages/customers-page';

test.describe('data protection in the browser', () => {
  test('exports a customer as a ZIP, then erases them only after their name is typed', async ({ page }) => {
    const customers = new CustomersPage(page);
    await customers.open();
    const form = await customers.startNew();
    await form.fill({ Name: 'Ottilie Vergessen', Email: 'ottilie@vergessen.example', City: 'Bremen' });
    await form.save();
    await customers.searchFor('Vergessen');
    await customers.openCustomer('Ottilie Vergessen');

    const downloading = page.waitForEvent('download');
    await form.dialog.getByRole('button', { name: 'Export data (GDPR)' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^kontor-gdpr-.*\.zip$/);
    const files = unzipSync(readFileSync(await download.path()));
    expect(JSON.parse(strFromU8(files['customer.json'] ?? new Uint8Array()))).toMatchObject({
      name: 'Ottilie Vergessen',
      city: 'Bremen',
    });

    await form.dialog.getByRole('button', { name: 'Erase personal data…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Erase personal data' });
    const eraseButton = confirm.getByRole('button', { name: 'Erase for good' });
    await expect(eraseButton).toBeDisabled();
    await confirm.getByLabel('Type the customer’s name to confirm').fill('Ottilie Vergessen');
    await eraseButton.click();
    await expect(confirm).toBeHidden();
    await expect(page.getByRole('status').filter({ hasText: 'personal data was erased' })).toBeVisible();

    await customers.searchFor('Vergessen');
    await expect(page.getByText('No customer matches “Vergessen”.')).toBeVisible();
    await customers.searchFor('');
    const erased = customers.rows.filter({ hasText: 'Erased' });
    await expect(erased.first()).toBeVisible();
    await erased.first().getByRole('link').click();
    await expect(form.dialog.getByText(/personal data was erased on/)).toBeVisible();
    await expect(form.dialog.getByRole('button', { name: 'Save' })).toHaveCount(0);
  });

  test('shows the keys, rotates them, previews retention and rebuilds the tables with progress', async ({ page }) => {
    await new AppPage(page).openAsAdmin();
    await page.getByRole('navigation').getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('tab', { name: 'Data protection' }).click();
    // Each admin panel has its own address: a reload (or a link) lands on it.
    await expect(page).toHaveURL(/#\/admin\/privacy$/);
    await page.reload();
    await expect(page.getByRole('tab', { name: 'Data protection' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('key-status')).toContainText('Key version 1');

    await page.getByRole('button', { name: 'Rotate keys' }).click();
    await expect(page.getByText(/keys re-wrapped, key version now 2/)).toBeVisible();
    await expect(page.getByTestId('key-status')).toContainText('Key version 2');

    await page.getByLabel('Erase customers without any change for (years)').fill('10');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('Retention rule saved.')).toBeVisible();
    await page.getByRole('button', { name: 'Show what the rule would erase' }).click();
    await expect(page.getByText('The rule would erase no customer now.')).toBeVisible();

    await page.getByRole('button', { name: 'Rebuild tables' }).click();
    await expect(page.getByText(/^Rebuilt from [\d,]+ events in [\d,]+ ms\.$/)).toBeVisible();
  });
});
