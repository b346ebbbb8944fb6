import { expect, test } from '@playwright/test';
import { AdminPage } from './pages/admin-page';
import { AppPage } from './pages/app-page';

test.describe('backups in the browser', () => {
  test('backs up now with progress, lists the backup and checks it', async ({ page }) => {
    await new AppPage(page).openAsAdmin();
    const admin = new AdminPage(page);
    await admin.open('Backups');
    await expect(page).toHaveURL(/#\/admin\/backups$/);
    const panel = admin.backups;
    await panel.backUpNow();
    await expect(panel.status).toContainText('Last backup:');
    const row = panel.list.getByRole('row').filter({ hasText: 'On demand' }).first();
    await expect(row).toContainText(/\d+ companies, \d+ customers/);
    await panel.checkFirst();
    await expect(panel.message(/is complete and intact\.$/)).toBeVisible();
  });
});
