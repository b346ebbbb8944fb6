// Page object for the customers screen: what a person sees and does there.
import { expect, type Locator, type Page } from '@playwright/test';
import { AppPage } from './app-page';

export class CustomersPage {
  readonly search: Locator;
  readonly rows: Locator;
  readonly form: CustomerFormDialog;

  constructor(readonly page: Page) {
    this.search = page.getByRole('searchbox', { name: 'Search customers' });
    this.rows = page.getByTestId('customer-row');
    this.form = new CustomerFormDialog(page);
  }

  /** Opens the app signed in as the administrator. */
  async open(): Promise<void> {
    await new AppPage(this.page).openAsAdmin();
  }

  async startNew(): Promise<CustomerFormDialog> {
    await this.page.getByRole('link', { name: 'New customer' }).click();
    await expect(this.form.dialog).toBeVisible();
    return this.form;
  }

  async searchFor(text: string): Promise<void> {
    await this.search.fill(text);
  }

  row(name: string): Locator {
    return this.rows.filter({ hasText: name });
  }

  /** What the list says when a search finds nobody. */
  emptyMessage(search: string): Locator {
    return this.page.getByText(`No customer matches “${search}”.`);
  }

  /** Opens a customer through the link in its row (each customer has its own address). */
  async openCustomer(name: string): Promise<CustomerFormDialog> {
    await this.row(name).getByRole('link').click();
    await expect(this.form.dialog).toBeVisible();
    return this.form;
  }
}

export class CustomerFormDialog {
  readonly dialog: Locator;

  constructor(readonly page: Page) {
    this.dialog = page.getByRole('dialog');
  }

  field(label: 'Name' | 'Email' | 'Phone' | 'City' | 'Notes'): Locator {
    return this.dialog.getByLabel(label, { exact: false }).first();
  }

  async fill(values: Partial<Record<'Name' | 'Email' | 'Phone' | 'City' | 'Notes', string>>): Promise<void> {
    for (const [label, value] of Object.entries(values)) {
      await this.field(label as 'Name').fill(value);
    }
  }

  async save(): Promise<void> {
    await this.dialog.getByRole('button', { name: 'Save' }).click();
  }

  get saveButton(): Locator {
    return this.dialog.getByRole('button', { name: 'Save' });
  }

  /** Closes without saving (Escape), as a keyboard user would. */
  async close(): Promise<void> {
    await this.page.keyboard.press('Escape');
  }

  /** Starts the GDPR export of the open customer; resolves with the download. */
  async exportPersonalData() {
    const downloading = this.page.waitForEvent('download');
    await this.dialog.getByRole('button', { name: 'Export data (GDPR)' }).click();
    return downloading;
  }

  /** The erasure confirmation: its button stays disabled until the customer's name is typed. */
  async startErasure(): Promise<ErasureDialog> {
    await this.dialog.getByRole('button', { name: 'Erase personal data…' }).click();
    const erasure = new ErasureDialog(this.page);
    await expect(erasure.dialog).toBeVisible();
    return erasure;
  }

  /** The error a field announces: the element its aria-describedby names. */
  async errorOf(label: 'Name' | 'Email' | 'Phone' | 'City' | 'Notes'): Promise<Locator> {
    const field = this.field(label);
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    const ids = (await field.getAttribute('aria-describedby')) ?? '';
    return this.page
      .locator(
        ids
          .split(' ')
          .map((id) => `[id="${id}"]`)
          .join(', '),
      )
      .last();
  }
}

export class ErasureDialog {
  readonly dialog: Locator;
  readonly eraseButton: Locator;

  constructor(readonly page: Page) {
    this.dialog = page.getByRole('dialog', { name: 'Erase personal data' });
    this.eraseButton = this.dialog.getByRole('button', { name: 'Erase for good' });
  }

  async typeName(name: string): Promise<void> {
    await this.dialog.getByLabel('Type the customer’s name to confirm').fill(name);
  }
}
