// The command palette: opened with Ctrl+K from anywhere, it reaches customers and screens.
import { expect, test } from '@playwright/test';
import { CustomersPage } from './pages/customers-page';

test.describe('command palette in the browser', () => {
  test('finds a customer and a screen from the keyboard', async ({ page }) => {
    const customers = new CustomersPage(page);
    await customers.open();
    const form = await customers.startNew();
    await form.fill({ Name: 'Palette Prüfstand GmbH', City: 'Jena' });
    await form.save();
    await expect(form.dialog).toBeHidden();

    // From inside the search box too: the palette is global.
    await customers.search.focus();
    await page.keyboard.press('Control+K');
    const search = page.getByRole('textbox', { name: 'Command palette' });
    await expect(search).toBeFocused();
    await search.fill('prufstand');
    await page.getByRole('button', { name: /Palette Prüfstand GmbH/ }).click();
    await expect(search).toBeHidden();
    await expect(form.dialog).toBeVisible();
    await expect(form.field('Name')).toHaveValue('Palette Prüfstand GmbH');
    await form.close();
    await expect(form.dialog).toBeHidden();

    await page.keyboard.press('Control+K');
    await search.fill('tasks');
    await page.getByRole('button', { name: /My tasks/ }).click();
    await expect(page.getByRole('heading', { name: 'My open tasks' })).toBeVisible();
  });
});
