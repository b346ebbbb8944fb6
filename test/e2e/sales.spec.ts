// The sales and analytics screens in the browser, against the real main process: before any sale
// the sales list says so, the analytics say the numbers are not computed, and a refresh says
// plainly that there is nothing to analyse yet. (Named to run after auth.spec.ts, which needs a
// fresh installation.)
import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app-page';
import { CustomersPage } from './pages/customers-page';

test.describe('sales and analytics in the browser', () => {
  test('say what is missing instead of showing empty tables and charts', async ({ page }) => {
    const app = new AppPage(page);
    await app.openAsAdmin();
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Sales' }).click();
    await expect(page.getByRole('heading', { name: 'Sales' })).toBeVisible();
    await expect(page.getByText('No documents match.')).toBeVisible();
    await app.navLink('Analytics').click();
    await expect(page.getByRole('heading', { name: 'Analytics' })).toBeVisible();
    await expect(page.getByText(/Not computed yet/)).toBeVisible();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(page.getByRole('alert')).toContainText('There are no sales to analyse yet');
  });

  test('writes an invoice with VAT computed per document, marks it paid and reverses it with a credit note', async ({
    page,
  }) => {
    const customers = new CustomersPage(page);
    await customers.open();
    const form = await customers.startNew();
    await form.fill({ Name: 'Rechnungsempfänger GmbH', City: 'Kassel' });
    await form.save();
    await expect(form.dialog).toBeHidden();
    await customers.searchFor('Rechnungsempfänger');
    await customers.openCustomer('Rechnungsempfänger GmbH');
    await form.openTab('Sales');
    await expect(form.dialog.getByText('No sales documents yet.')).toBeVisible();

    await form.writeInvoice({ description: 'Beratung', quantity: '3', price: '33,33', vat: '19 %' });
    await expect(form.saleRows).toHaveCount(1);
    // 3 × 33.33 = 99.99 net; 19 % of it, rounded once for the document: 19.00.
    await expect(form.saleRows.first()).toContainText('RE-00001');
    await expect(form.saleRows.first()).toContainText('€118.99');
    await form.saleAction('RE-00001', 'Mark paid');
    await expect(form.saleRows.first()).toContainText('Paid');

    await form.saleAction('RE-00001', 'Reverse with a credit note');
    await expect(form.saleRows).toHaveCount(2);
    await expect(form.saleRows.filter({ hasText: 'GS-00001' })).toContainText('-€118.99');
    await expect(form.saleRows.filter({ hasText: 'RE-00001' })).toContainText('Cancelled');
    await expect(form.dialog.getByText('Invoices: 1, net €99.99, gross €118.99')).toBeVisible();

    // A draft order keeps no number and can still be changed; it counts in no total.
    await form.writeInvoice({ description: 'Wartungsvertrag', quantity: '1', price: '500', vat: '19 %' }, 'order');
    await expect(form.saleRows.filter({ hasText: 'Draft' })).toContainText('€595.00');
    await form.changeDraftPrice('600');
    await expect(form.saleRows.filter({ hasText: 'Draft' })).toContainText('€714.00');
  });

  test('imports transactions from a German CSV, a column mapped by hand, checking first, and lists them with their customers', async ({
    page,
  }) => {
    const app = new AppPage(page);
    await app.openAsAdmin();
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Sales' }).click();
    await page.getByRole('button', { name: 'Import transactions…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import transactions' });
    const chooser = page.waitForEvent('filechooser');
    await dialog.getByRole('button', { name: 'Choose a CSV or Excel file…' }).click();
    const csv = [
      'Kundennummer;Kundenname;Wann;Betrag',
      'ALT-1;Altkunde Eins;02.01.2026;100,00',
      'ALT-1;Altkunde Eins;15.02.2026;50,50',
      'ALT-2;Altkunde Zwei;2026-03-01;20',
    ].join('\n');
    await (await chooser).setFiles({ name: 'umsaetze.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    // The headers that name a field are mapped; "Wann" (when) is not, until it is chosen.
    await expect(dialog.getByRole('combobox', { name: 'Field for the column Betrag' })).toHaveValue('Amount (net)');
    const when = dialog.getByRole('combobox', { name: 'Field for the column Wann' });
    await expect(when).toHaveValue('— not imported —');
    await dialog.getByRole('button', { name: 'Check only' }).click();
    await expect(dialog.getByRole('alert')).toContainText(/date/);
    await when.click();
    await page.getByRole('option', { name: 'Date', exact: true }).click();
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    // Without customers made for them, every row names a customer number nobody has.
    await expect(dialog.getByTestId('import-result')).toContainText(
      '0 documents imported, 0 customers created, 3 rows rejected.',
    );
    await dialog.getByLabel(/^Create a customer/).check();
    await dialog.getByRole('button', { name: 'Check only' }).click();
    await expect(dialog.getByTestId('import-result')).toContainText(
      'Checked 3 rows: 0 with problems; 2 customers would be created.',
    );
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(dialog.getByTestId('import-result')).toContainText(
      '3 documents imported, 2 customers created, 0 rows rejected.',
    );
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(page.getByTestId('sale-row').filter({ hasText: 'ALT-1 Altkunde Eins' })).toHaveCount(2);
    await expect(page.getByTestId('sale-row').filter({ hasText: 'ALT-2 Altkunde Zwei' })).toContainText('€20.00');
  });
});
