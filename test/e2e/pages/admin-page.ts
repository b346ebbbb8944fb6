// Page object for Admin: its panels by tab (each at its own address), and the Data protection panel.
import { expect, type Locator, type Page } from '@playwright/test';

export type AdminTab = 'Users' | 'Roles' | 'Sign-in rules' | 'Email' | 'Companies' | 'Data protection' | 'Audit log';

export class AdminPage {
  constructor(readonly page: Page) {}

  async open(tab: AdminTab): Promise<void> {
    await this.page.getByRole('navigation').getByRole('link', { name: 'Admin' }).click();
    await this.page.getByRole('tab', { name: tab }).click();
    await expect(this.tab(tab)).toHaveAttribute('aria-selected', 'true');
  }

  tab(name: AdminTab): Locator {
    return this.page.getByRole('tab', { name });
  }

  get dataProtection(): DataProtectionPanel {
    return new DataProtectionPanel(this.page);
  }
}

export class DataProtectionPanel {
  readonly keyStatus: Locator;

  constructor(readonly page: Page) {
    this.keyStatus = page.getByTestId('key-status');
  }

  async rotateKeys(): Promise<void> {
    await this.page.getByRole('button', { name: 'Rotate keys' }).click();
    await expect(this.page.getByText(/keys re-wrapped, key version now/)).toBeVisible();
  }

  async setRetentionYears(years: number): Promise<void> {
    await this.page.getByLabel('Erase customers without any change for (years)').fill(String(years));
    await this.page.getByRole('button', { name: 'Save' }).click();
    await expect(this.page.getByText('Retention rule saved.')).toBeVisible();
  }

  async previewRetention(): Promise<void> {
    await this.page.getByRole('button', { name: 'Show what the rule would erase' }).click();
  }

  async rebuildTables(): Promise<void> {
    await this.page.getByRole('button', { name: 'Rebuild tables' }).click();
  }
}
