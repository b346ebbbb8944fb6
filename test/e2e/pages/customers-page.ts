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

  /** Shows the filter panel (if hidden) and sets the open-tasks filter. */
  async filterOpenTasks(choice: 'Any' | 'With open tasks' | 'Without'): Promise<void> {
    const panel = this.page.getByRole('group', { name: 'Filters' });
    if (!(await panel.isVisible())) await this.page.getByRole('button', { name: 'Filters' }).click();
    await panel.getByText(choice, { exact: true }).click();
  }

  /** Shows or hides a column through the column chooser. */
  async toggleColumn(label: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Columns' }).click();
    await this.page.getByRole('menu').getByLabel(label, { exact: true }).click();
    await this.page.keyboard.press('Escape');
  }

  /** The list's column headers, as shown. */
  get headers(): Locator {
    return this.page.getByRole('table', { name: 'Customers' }).getByRole('columnheader');
  }

  async saveView(name: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Views' }).click();
    await this.page.getByRole('menuitem', { name: 'Save current view…' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Save view' });
    await dialog.getByLabel('Name of the view').fill(name);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog).toBeHidden();
  }

  async applyView(name: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Views' }).click();
    await this.page.getByRole('menuitem', { name }).click();
  }

  /** Ticks a customer for a bulk action. */
  async select(name: string): Promise<void> {
    await this.page.getByRole('checkbox', { name: `Select ${name}` }).check();
  }

  /** The bar of the selected customers. */
  get selection(): Locator {
    return this.page.getByRole('region', { name: 'Selected customers' });
  }

  /** Opens one of the bulk actions on the selection; resolves with its dialog. */
  async bulk(action: 'Add tags' | 'Remove tags' | 'Change owner' | 'Change status'): Promise<Locator> {
    await this.selection.getByRole('button', { name: 'Change selected…' }).click();
    await this.page.getByRole('menuitem', { name: action }).click();
    const dialog = this.page.getByRole('dialog', { name: action });
    await expect(dialog).toBeVisible();
    return dialog;
  }

  /** Imports a CSV file through the import dialog with the mapping its headers suggest. */
  async importCsv(name: string, csv: string, imported: number): Promise<void> {
    await this.page.getByRole('button', { name: 'Import…' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Import customers' });
    const chooser = this.page.waitForEvent('filechooser');
    await dialog.getByRole('button', { name: 'Choose a CSV or Excel file…' }).click();
    await (await chooser).setFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    // A long file takes a while on a busy machine: the dialog shows progress meanwhile.
    await expect(dialog.getByTestId('import-result')).toContainText(
      `${imported.toLocaleString('en')} customers imported.`,
      { timeout: 60_000 },
    );
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toBeHidden();
  }

  /** The scrolling list of customers. */
  get list(): Locator {
    return this.page.getByTestId('customer-list');
  }

  /** Scrolls the list to a share of its length (0 the top, 1 the bottom), as the scroll bar does. */
  async scrollTo(share: number): Promise<void> {
    await this.list.evaluate((box, at) => {
      box.scrollTop = at * (box.scrollHeight - box.clientHeight);
    }, share);
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

  /** Switches the open customer's tab (Details, Contacts, Timeline, Sales). */
  async openTab(name: 'Details' | 'Contacts' | 'Timeline' | 'Sales'): Promise<void> {
    await this.dialog.getByRole('tab', { name }).click();
  }

  /** The contacts table's rows (Contacts tab). */
  get contactRows(): Locator {
    return this.dialog.getByTestId('contact-row');
  }

  /** Adds a contact person through their own dialog (Contacts tab). */
  async addContact(values: Partial<Record<'Name' | 'Role' | 'Email' | 'Phone', string>>): Promise<void> {
    await this.dialog.getByRole('button', { name: 'Add contact' }).click();
    const form = this.page.getByRole('dialog', { name: 'Add contact' });
    for (const [label, value] of Object.entries(values))
      await form.getByLabel(label, { exact: false }).first().fill(value);
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form).toBeHidden();
  }

  /** The customer's sales documents (Sales tab). */
  get saleRows(): Locator {
    return this.dialog.getByTestId('sale-row');
  }

  /** Writes an invoice of one line and issues it (Sales tab). */
  async writeInvoice(
    line: { description: string; quantity: string; price: string; vat: '19 %' | '7 %' | '0 %' },
    kind: 'invoice' | 'order' = 'invoice',
  ) {
    const title = kind === 'invoice' ? 'New invoice' : 'New order';
    await this.dialog.getByRole('button', { name: title }).click();
    const form = this.page.getByRole('dialog', { name: title });
    await form.getByRole('textbox', { name: 'Description' }).fill(line.description);
    await form.getByRole('textbox', { name: 'Quantity' }).fill(line.quantity);
    await form.getByRole('textbox', { name: 'Unit price (net)' }).fill(line.price);
    await form.getByRole('combobox', { name: 'VAT' }).click();
    await this.page.getByRole('option', { name: line.vat }).click();
    if (kind === 'invoice') await form.getByLabel(/^Issue now/).check();
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form).toBeHidden();
  }

  /** Changes the unit price of a draft's first line (Sales tab). */
  async changeDraftPrice(price: string): Promise<void> {
    await this.dialog.getByRole('button', { name: 'Actions for Draft' }).click();
    await this.page.getByRole('menuitem', { name: 'Change' }).click();
    const form = this.page.getByRole('dialog', { name: /^Change draft/ });
    await form.getByRole('textbox', { name: 'Unit price (net)' }).fill(price);
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form).toBeHidden();
  }

  /** Runs an action from a document's menu (Sales tab), confirming when asked. */
  async saleAction(number: string, action: 'Mark paid' | 'Reverse with a credit note'): Promise<void> {
    await this.dialog.getByRole('button', { name: `Actions for ${number}` }).click();
    await this.page.getByRole('menuitem', { name: action }).click();
    const confirm = this.page.getByRole('dialog', { name: /^Reverse invoice/ });
    if (action === 'Reverse with a credit note') await confirm.getByRole('button', { name: action }).click();
  }

  /** The timeline's activities (Timeline tab). */
  get activities(): Locator {
    return this.dialog.getByTestId('activity-entry');
  }

  /** Records an activity on the timeline (Timeline tab); a task may get a due date and an assignee. */
  async logActivity(
    kind: 'Call' | 'Meeting' | 'Email' | 'Note' | 'Task',
    subject: string,
    task: { due?: string; assignee?: string } = {},
  ): Promise<void> {
    const form = this.dialog.getByRole('form', { name: 'New activity' });
    await form.getByText(kind, { exact: true }).click();
    await form.getByLabel('Subject').fill(subject);
    if (task.due) await form.getByLabel('Due date').fill(task.due);
    if (task.assignee) {
      await form.getByRole('combobox', { name: 'Assigned to' }).click();
      await this.page.getByRole('option', { name: task.assignee }).click();
    }
    await form.getByRole('button', { name: 'Add to timeline' }).click();
    await expect(this.activities.filter({ hasText: subject })).toBeVisible();
  }

  /** Merges the customer found by `search` and named `duplicate` into the open one. */
  async mergeDuplicate(search: string, duplicate: string): Promise<void> {
    await this.dialog.getByRole('button', { name: 'Merge a duplicate…' }).click();
    const merge = this.page.getByRole('dialog', { name: /^Merge a duplicate into/ });
    await merge.getByLabel('Find the duplicate').fill(search);
    await merge.getByRole('radio', { name: new RegExp(duplicate.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) }).check();
    await merge.getByRole('button', { name: 'Merge' }).click();
    await expect(merge).toBeHidden();
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

/** "My open tasks": the signed-in user's open tasks across customers. */
export class TasksPage {
  readonly rows: Locator;

  constructor(readonly page: Page) {
    this.rows = page.getByTestId('task-row');
  }

  async open(): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'My tasks' })
      .click();
    await expect(this.page.getByRole('heading', { name: 'My open tasks' })).toBeVisible();
  }

  row(subject: string): Locator {
    return this.rows.filter({ hasText: subject });
  }

  async complete(subject: string): Promise<void> {
    await this.page.getByRole('checkbox', { name: `Done: ${subject}` }).click();
  }
}
