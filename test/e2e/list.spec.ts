// The customer list scrolls through every match: only the rows in view are in the page, far rows
// load when they come into view, and the keyboard reaches the last row of the whole list.
import { expect, test } from '@playwright/test';
import { CustomersPage } from './pages/customers-page';

const COUNT = 3_000;
const name = (i: number) => `Rollbahn ${String(i).padStart(4, '0')}`;

test.describe('the customer list in the browser', () => {
  test('scrolls far down a long list, loading rows as they come into view', async ({ page }) => {
    // Importing the 3,000 customers is most of it; a busy machine needs more than the default.
    test.setTimeout(120_000);
    const customers = new CustomersPage(page);
    await customers.open();
    const rows = Array.from({ length: COUNT }, (_, i) => `${name(i + 1)};Kiel`);
    await customers.importCsv('rollbahn.csv', ['Firma;Ort', ...rows].join('\n'), COUNT);

    await customers.searchFor('Rollbahn');
    // A broad search may estimate its count (“about 3,000 customers”).
    await expect(page.getByTestId('customer-count')).toHaveText(/3,000 customers$/);
    await expect(customers.row(name(1))).toBeVisible();
    // Only the rows in view (and a few around them) are in the page.
    expect(await customers.rows.count()).toBeLessThan(60);

    await customers.scrollTo(1);
    await expect(customers.row(name(COUNT))).toBeVisible();
    await expect(customers.row(name(1))).toHaveCount(0);
    await customers.scrollTo(0.5);
    await expect(customers.row(name(1500))).toBeVisible();
    expect(await customers.rows.count()).toBeLessThan(60);

    // From the keyboard: Home and End go to the first and the last row of the whole list.
    await customers.row(name(1500)).getByRole('link').focus();
    await page.keyboard.press('Home');
    await expect(page.getByRole('link', { name: `Open ${name(1)}` })).toBeFocused();
    await page.keyboard.press('End');
    await expect(page.getByRole('link', { name: `Open ${name(COUNT)}` })).toBeFocused();
    await page.keyboard.press('ArrowUp');
    await expect(page.getByRole('link', { name: `Open ${name(COUNT - 1)}` })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(customers.form.dialog).toBeVisible();
    await expect(customers.form.field('Name')).toHaveValue(name(COUNT - 1));
  });
});
