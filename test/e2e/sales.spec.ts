// The sales and analytics screens in the browser, against the real main process: before any sale
// the sales list says so, the analytics say the numbers are not computed, and a refresh says
// plainly that there is nothing to analyse yet. (Named to run after auth.spec.ts, which needs a
// fresh installation.)
import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app-page';

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
});
