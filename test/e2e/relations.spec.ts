// Contact persons and activities in the browser: a company's contact, a task on its timeline,
// and the task done from "My open tasks".
import { expect, test } from '@playwright/test';
import { ADMIN } from './pages/app-page';
import { CustomersPage, TasksPage } from './pages/customers-page';

test.describe('contacts and activities in the browser', () => {
  test('adds a contact, assigns a task on the timeline, and completes it from My tasks', async ({ page }) => {
    const customers = new CustomersPage(page);
    await customers.open();
    const form = await customers.startNew();
    await form.fill({ Name: 'Kontaktwerk GmbH', City: 'Bremen' });
    await form.save();
    await expect(form.dialog).toBeHidden();
    await customers.searchFor('Kontaktwerk');
    await customers.openCustomer('Kontaktwerk GmbH');

    await form.openTab('Contacts');
    await form.addContact({ Name: 'Jana Kühn', Role: 'Einkauf', Phone: '0421 1234567' });
    await expect(form.contactRows).toHaveCount(1);
    // The first contact is the primary one; the number was read in Germany and shows as dialled there.
    await expect(form.contactRows.first()).toContainText('Primary');
    await expect(form.contactRows.first()).toContainText('0421 1234567');

    await form.openTab('Timeline');
    await form.logActivity('Call', 'Erstgespräch mit Frau Kühn');
    await form.logActivity('Task', 'Angebot nachfassen', { due: '2026-12-15', assignee: ADMIN.name });
    await expect(form.activities).toHaveCount(2);
    // The customer's own events share the timeline.
    await expect(form.dialog.getByTestId('history-entry')).toHaveCount(1);
    await form.close();
    await expect(form.dialog).toBeHidden();

    const tasks = new TasksPage(page);
    await tasks.open();
    await expect(tasks.row('Angebot nachfassen')).toContainText('Kontaktwerk GmbH');
    await tasks.complete('Angebot nachfassen');
    await expect(tasks.row('Angebot nachfassen')).toHaveCount(0);

    // Done on the customer's timeline too.
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Customers' }).click();
    await customers.searchFor('Kontaktwerk');
    await customers.openCustomer('Kontaktwerk GmbH');
    await form.openTab('Timeline');
    await expect(form.dialog.getByRole('checkbox', { name: 'Angebot nachfassen' })).toBeChecked();
  });

  test('merges a duplicate into a customer, which then shows both histories', async ({ page }) => {
    const customers = new CustomersPage(page);
    await customers.open();
    for (const values of [
      { Name: 'Verschmelz GmbH', City: 'Kassel' },
      { Name: 'Verschmelz G.m.b.H.', Email: 'info@verschmelz.example' },
    ]) {
      const form = await customers.startNew();
      await form.fill(values);
      await form.save();
      // The second looks like the first only by name, not by name and city: no duplicate warning.
      await expect(form.dialog).toBeHidden();
    }
    await customers.searchFor('Verschmelz');
    await expect(customers.rows).toHaveCount(2);
    const form = await customers.openCustomer('Verschmelz GmbH');
    await form.mergeDuplicate('Verschmelz', 'Verschmelz G.m.b.H.');
    await expect(form.dialog).toBeHidden();
    await expect(customers.rows).toHaveCount(1);
    await expect(customers.row('Verschmelz GmbH')).toContainText('info@verschmelz.example');

    await customers.openCustomer('Verschmelz GmbH');
    await form.openTab('Timeline');
    await expect(form.dialog.getByTestId('history-entry').filter({ hasText: /^Merged in: K-\d+/ })).toHaveCount(1);
    await expect(form.dialog.getByTestId('history-entry').filter({ hasText: /^Created/ })).toHaveCount(2);
  });
});
