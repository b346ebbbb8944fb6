// Import through the mapping screen and export of the list, in Chromium against the web host: the
// file goes up through the browser's file chooser, the export comes down as a download.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { CustomersPage } from './pages/customers-page';

const CSV = [
  'Firma;E-Mail;Ort;Kundengruppe',
  'Importa Holzbau GmbH;info@importa.example;Flensburg;A',
  'Importa Zweite KG;kein-mail;Kiel;B',
  'Importa Dritte AG;dritte@importa.example;Rostock;C',
].join('\r\n');

test.describe('customer import and export in the browser', () => {
  test('imports a small file through the mapping screen, then exports the list', async ({ page }) => {
    const customers = new CustomersPage(page);
    await customers.open();

    await page.getByRole('button', { name: 'Import…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import customers' });
    const chooser = page.waitForEvent('filechooser');
    await dialog.getByRole('button', { name: 'Choose a CSV or Excel file…' }).click();
    await (await chooser).setFiles({ name: 'kunden.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${CSV}`) });
    await expect(dialog.getByTestId('import-file')).toContainText('kunden.csv (CSV, utf-8, ;)');

    // The German headers were mapped by themselves; the unknown one is left out until chosen.
    await expect(dialog.getByRole('combobox', { name: 'Field for the column Firma' })).toHaveValue('Name');
    await expect(dialog.getByRole('combobox', { name: 'Field for the column Ort' })).toHaveValue('City');
    await expect(dialog.getByRole('combobox', { name: 'Field for the column Kundengruppe' })).toHaveValue(
      '— not imported —',
    );
    await dialog.getByRole('combobox', { name: 'Field for the column Kundengruppe' }).click();
    await page.getByRole('option', { name: 'Tags' }).click();

    await dialog.getByRole('textbox', { name: 'Save this mapping as' }).fill('Altsystem');
    await dialog.getByRole('button', { name: 'Save mapping' }).click();
    await expect(page.getByText('Mapping “Altsystem” saved')).toBeVisible();

    // Checking lists the bad row and imports nothing.
    await dialog.getByRole('button', { name: 'Check' }).click();
    const result = dialog.getByTestId('import-result');
    await expect(result).toContainText('3 rows checked.');
    await expect(result.getByRole('table', { name: 'Problems found' })).toContainText(
      '3E-MailNot a valid email address',
    );

    await dialog.getByText('Valid rows only').click();
    await expect(dialog.getByRole('radio', { name: 'Valid rows only' })).toBeChecked();
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(result).toContainText('2 customers imported.');
    await dialog.getByRole('button', { name: 'Close' }).click();

    await customers.searchFor('importa');
    await expect(customers.rows).toHaveCount(2);
    await expect(customers.row('Importa Holzbau GmbH')).toContainText('Flensburg');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export' }).click();
    await page.getByRole('menuitem', { name: 'As CSV' }).click();
    const file = await (await download).path();
    const text = readFileSync(file, 'utf8');
    const lines = text.trimEnd().split('\r\n');
    // What the screen shows: its search and its columns.
    expect(lines[0]).toBe('\uFEFFNumber,Name,Email,Phone,City,Status,Changed');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('Importa Dritte AG');
    expect(lines[2]).toMatch(/Importa Holzbau GmbH.*,Flensburg,Active,/);
  });
});
