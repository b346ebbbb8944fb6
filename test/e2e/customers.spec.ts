import { expect, test } from '@playwright/test';
import { ADMIN, AppPage } from './pages/app-page';
import { CustomersPage } from './pages/customers-page';

test.describe('customers in the browser', () => {
  test('creates a customer through the form, finds it by search, and still sees it after a reload', async ({
    page,
  }) => {
    const customers = new CustomersPage(page);
    await customers.open();

    const form = await customers.startNew();
    await form.fill({ Name: 'Henriette Sommerfeld', Email: 'h.sommerfeld@example.de', City: 'Lübeck' });
    await form.save();
    await expect(form.dialog).toBeHidden();
    await expect(new AppPage(page).notice('Henriette Sommerfeld')).toBeVisible();

    await customers.searchFor('sommerf');
    await expect(customers.rows).toHaveCount(1);
    await expect(customers.row('Henriette Sommerfeld')).toContainText('Lübeck');

    await page.reload();
    await customers.searchFor('LUBECK');
    await expect(customers.row('Henriette Sommerfeld')).toBeVisible();
  });

  test('shows the field error for a bad email (the contract’s, as the main process returns it), and saves nothing', async ({
    page,
  }) => {
    const customers = new CustomersPage(page);
    await customers.open();
    const form = await customers.startNew();
    await form.fill({ Name: 'Bruno Fehlmail', Email: 'bruno@' });
    await form.save();
    await expect(await form.errorOf('Email')).toHaveText('Not a valid email address');
    await expect(form.dialog).toBeVisible();

    await form.field('Email').fill('bruno@example.org');
    await form.save();
    await expect(form.dialog).toBeHidden();
    await customers.searchFor('Fehlmail');
    await expect(customers.rows).toHaveCount(1);
  });

  test('shows a likely duplicate before saving, and saves anyway when asked', async ({ page }) => {
    const customers = new CustomersPage(page);
    await customers.open();
    let form = await customers.startNew();
    await form.fill({ Name: 'Dora Doppelt', City: 'Husum' });
    await form.save();
    await expect(form.dialog).toBeHidden();

    form = await customers.startNew();
    await form.fill({ Name: 'dora doppelt', City: 'HUSUM' });
    await form.save();
    const warning = form.dialog.getByRole('alert').filter({ hasText: 'Possibly the same customer' });
    await expect(warning).toContainText('Dora Doppelt, Husum (same name in the same city)');
    await form.dialog.getByRole('button', { name: 'Save anyway' }).click();
    await expect(form.dialog).toBeHidden();
    await customers.searchFor('doppelt');
    await expect(customers.rows).toHaveCount(2);
  });

  test('edits a customer from the list', async ({ page }) => {
    const customers = new CustomersPage(page);
    await customers.open();
    const form = await customers.startNew();
    await form.fill({ Name: 'Clara Umzug', City: 'Kiel' });
    await form.save();
    // The dialog closes once the save is done; the list behind it is only then the user's again.
    await expect(form.dialog).toBeHidden();
    await customers.searchFor('Umzug');
    await customers.openCustomer('Clara Umzug');
    await expect(page).toHaveURL(/#\/customers\/[0-9a-f-]{36}$/);
    await form.field('City').fill('Rostock');
    await form.save();
    await expect(form.dialog).toBeHidden();
    await expect(customers.row('Clara Umzug')).toContainText('Rostock');

    // The history shows both changes: who made them and what changed, old → new.
    await customers.openCustomer('Clara Umzug');
    await form.openTab('Timeline');
    const history = form.dialog.getByTestId('history-entry');
    await expect(history).toHaveCount(2);
    await expect(history.first()).toContainText('Billing address: Kiel, DE → Rostock, DE');
    await expect(history.first()).toContainText(ADMIN.name);

    // Its address opens it again after a reload; back leaves it, forward returns to it.
    await page.reload();
    await expect(form.dialog).toBeVisible();
    await expect(form.field('Name')).toHaveValue('Clara Umzug');
    await form.close();
    await expect(form.dialog).toBeHidden();
    await page.goBack();
    await expect(form.dialog).toBeVisible();
    await page.goForward();
    await expect(form.dialog).toBeHidden();
  });

  test('speaks German when asked to', async ({ page }) => {
    const app = new AppPage(page);
    const customers = new CustomersPage(page);
    await customers.open();
    await app.switchLanguage('DE');
    // German labels, so the English page object's names do not apply here.
    await expect(page.getByRole('heading', { name: 'Kunden', level: 2 })).toBeVisible();
    await page.getByRole('link', { name: 'Neuer Kunde' }).click();
    await customers.form.field('Name').fill('');
    await customers.form.dialog.getByRole('button', { name: 'Speichern' }).click();
    await expect(await customers.form.errorOf('Name')).toHaveText('Pflichtfeld');
    await customers.form.close();
    await app.switchLanguage('EN');
    await expect(app.customersHeading).toBeVisible();
  });

  test('refuses requests without the token', async ({ request, baseURL }) => {
    const response = await request.post(`${baseURL}/__kontor/invoke`, {
      headers: { 'content-type': 'application/json', 'x-kontor': '1' },
      data: { name: 'customers.list', input: {} },
    });
    expect(response.status()).toBe(401);
    expect((await request.get(`${baseURL}/?token=wrong`)).status()).toBe(401);
  });
});
