// Page object for Settings: its sections by heading (Appearance for everyone; Database only for
// installation administrators; Set by IT where IT configured the computer), at its own address.
import { expect, type Locator, type Page } from '@playwright/test';

export type SettingsSection = 'Appearance' | 'Database' | 'Set by IT' | 'About Kontor';

export class SettingsPage {
  constructor(readonly page: Page) {}

  /** Opens Settings by its address, as a link or a bookmark would. */
  async open(): Promise<void> {
    await this.page.goto('/#/settings');
    await expect(this.section('Appearance')).toBeVisible();
  }

  section(name: SettingsSection): Locator {
    return this.page.getByRole('heading', { name, level: 3 });
  }
}
