// Page object for Admin: its panels by tab (each at its own address): Data protection, Email, Companies.
import { expect, type Locator, type Page } from '@playwright/test';

export type AdminTab =
  'Users' | 'Roles' | 'Sign-in rules' | 'Email' | 'Companies' | 'Data protection' | 'Backups' | 'Audit log';

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

  get mail(): MailPanel {
    return new MailPanel(this.page);
  }

  get companies(): CompaniesPanel {
    return new CompaniesPanel(this.page);
  }

  get backups(): BackupsPanel {
    return new BackupsPanel(this.page);
  }
}

/** Admin → Backups: a backup now, the list with a check of each, where and when. */
export class BackupsPanel {
  readonly status: Locator;
  readonly list: Locator;

  constructor(readonly page: Page) {
    this.status = page.getByTestId('backup-status');
    this.list = page.getByRole('table', { name: 'Backups in the folder' });
  }

  async backUpNow(): Promise<void> {
    await this.page.getByRole('button', { name: 'Back up now' }).click();
    await expect(this.page.getByText(/^Backup kontor-.*\.kontorbackup written\.$/)).toBeVisible();
  }

  async checkFirst(): Promise<void> {
    await this.list
      .getByRole('button', { name: /^Check kontor-/ })
      .first()
      .click();
  }

  message(text: string | RegExp): Locator {
    return this.page.getByText(text);
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

  /** What the panel says about a result (retention preview, rebuild). */
  message(text: string | RegExp): Locator {
    return this.page.getByText(text);
  }
}

/** Admin → Email: the SMTP server and the outbox. */
export class MailPanel {
  readonly form: Locator;

  constructor(readonly page: Page) {
    this.form = page.getByRole('form', { name: 'Mail server (SMTP)' });
  }

  /** Saves a server without encryption or password (a local relay, as in the tests). */
  async configurePlain(server: { host: string; port: number; from: string }): Promise<void> {
    await this.form.getByRole('textbox', { name: /^Server/ }).fill(server.host);
    await this.form.getByRole('textbox', { name: /^Port/ }).fill(String(server.port));
    await this.form.getByLabel('Encryption').click();
    await this.page.getByRole('option', { name: /^None/ }).click();
    await this.form.getByLabel('Sender address').fill(server.from);
    await this.form.getByRole('button', { name: 'Save' }).click();
  }

  /** Sends a test mail to the signed-in user; returns what the panel says of it. */
  async sendTest(): Promise<Locator> {
    await this.form.getByRole('button', { name: /Send a test email/ }).click();
    return this.form.getByRole('status');
  }
}

/** Admin → Companies: create, rename, archive. */
export class CompaniesPanel {
  readonly table: Locator;
  readonly newButton: Locator;

  constructor(readonly page: Page) {
    this.table = page.getByRole('table', { name: 'Companies' });
    this.newButton = page.getByRole('button', { name: 'New company' });
  }

  row(name: string): Locator {
    return this.table.getByRole('row', { name: new RegExp(name) });
  }

  async create(name: string): Promise<void> {
    await this.newButton.click();
    await this.saveName(name);
    await expect(this.row(name)).toBeVisible();
  }

  async rename(from: string, to: string): Promise<void> {
    await this.row(from).getByRole('button', { name: 'Rename' }).click();
    await this.saveName(to);
    await expect(this.table).toContainText(to);
  }

  private async saveName(name: string): Promise<void> {
    const dialog = this.page.getByRole('dialog');
    await dialog.getByLabel('Company name').fill(name);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog).toBeHidden();
  }
}
