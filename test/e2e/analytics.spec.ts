// The analytics screen in the browser, against the real main process: before any sale it says the
// numbers are not computed, and a refresh says plainly that there is nothing to analyse yet.
import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app-page';

test.describe('analytics in the browser', () => {
  test('says what is missing instead of showing empty charts', async ({ page }) => {
    const app = new AppPage(page);
    await app.openAsAdmin();
    await app.navLink('Analytics').click();
    await expect(page.getByRole('heading', { name: 'Analytics' })).toBeVisible();
    await expect(page.getByText(/Not computed yet/)).toBeVisible();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(page.getByRole('alert')).toContainText('There are no sales to analyse yet');
  });
});
