// Filters, the column chooser and saved views of the customer list in the browser.
import { expect, test } from '@playwright/test';
import { CustomersPage } from './pages/customers-page';

test.describe('customer views in the browser', () => {
  test('filters by open tasks, chooses columns, saves the view and applies it after a reload', async ({ page }) => {
    const customers = new CustomersPage(page);
    await customers.open();
    for (const name of ['Sichtweise Eins GmbH', 'Sichtweise Zwei GmbH']) {
      const form = await customers.startNew();
      await form.fill({ Name: name });
      await form.save();
      await expect(form.dialog).toBeHidden();
    }
    await customers.searchFor('Sichtweise');
    await expect(customers.rows).toHaveCount(2);
    const form = await customers.openCustomer('Sichtweise Eins GmbH');
    await form.openTab('Timeline');
    await form.logActivity('Task', 'Unterlagen schicken');
    await form.close();
    await expect(form.dialog).toBeHidden();

    await customers.filterOpenTasks('With open tasks');
    await expect(customers.rows).toHaveCount(1);
    await expect(customers.row('Sichtweise Eins GmbH')).toBeVisible();
    await customers.toggleColumn('Email');
    await customers.toggleColumn('Created');
    await expect(customers.headers.filter({ hasText: 'Created' })).toHaveCount(1);
    await expect(customers.headers.filter({ hasText: 'Email' })).toHaveCount(0);
    await customers.saveView('Sichtweise mit Aufgaben');

    await page.reload();
    await expect(customers.headers.filter({ hasText: 'Email' })).toHaveCount(1);
    await customers.applyView('Sichtweise mit Aufgaben');
    await expect(customers.search).toHaveValue('Sichtweise');
    await expect(customers.rows).toHaveCount(1);
    await expect(customers.headers.filter({ hasText: 'Created' })).toHaveCount(1);
    await expect(customers.headers.filter({ hasText: 'Email' })).toHaveCount(0);

    await customers.filterOpenTasks('Without');
    await expect(customers.row('Sichtweise Zwei GmbH')).toBeVisible();
    await expect(customers.rows).toHaveCount(1);
  });

  test('tags the selected customers and moves their status in one go, reporting the ones it cannot move', async ({
    page,
  }) => {
    const customers = new CustomersPage(page);
    await customers.open();
    for (const name of ['Stapel Eins GmbH', 'Stapel Zwei GmbH']) {
      const form = await customers.startNew();
      await form.fill({ Name: name });
      await form.save();
      await expect(form.dialog).toBeHidden();
    }
    await customers.searchFor('Stapel');
    await customers.select('Stapel Eins GmbH');
    await customers.select('Stapel Zwei GmbH');
    await expect(customers.selection).toContainText('2 customers selected');

    const tags = await customers.bulk('Add tags');
    await tags.getByLabel('Tags').fill('Messe');
    await tags.getByLabel('Tags').press('Enter');
    await tags.getByRole('button', { name: 'Apply' }).click();
    await expect(tags).toBeHidden();
    await customers.toggleColumn('Tags');
    await expect(customers.row('Stapel Eins GmbH')).toContainText('Messe');
    await expect(customers.row('Stapel Zwei GmbH')).toContainText('Messe');

    // Active → prospect is not an allowed move: both are reported, nothing changes.
    const status = await customers.bulk('Change status');
    await status.getByRole('combobox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'Prospect' }).click();
    await status.getByLabel('Reason').fill('Messekontakt');
    await status.getByRole('button', { name: 'Apply' }).click();
    await expect(status.getByRole('alert')).toContainText('Stapel Eins GmbH: The customer cannot move to this status');
    await status.getByRole('button', { name: 'Close' }).first().click();
    await expect(customers.row('Stapel Eins GmbH')).toContainText('Active');
  });
});
