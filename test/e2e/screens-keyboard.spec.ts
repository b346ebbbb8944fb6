// The main flows with the keyboard alone: signing in, moving through the navigation and the admin
// tabs, creating a customer in its dialog and closing a dialog with Escape. Every control is
// reached with Tab, shows a visible focus, and a closed dialog gives the focus back to what opened it.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { ADMIN, AppPage } from './pages/app-page';

/**
 * Presses Tab (or Shift+Tab, backwards) until `target` has the focus; fails when it is not reached
 * within `limit` steps.
 */
async function tabTo(page: Page, target: Locator, { backwards = false, limit = 80 } = {}): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await target.evaluate((el) => el === (el.ownerDocument as { activeElement: unknown }).activeElement)) return;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`not reached with Tab: ${target.toString()}`);
}

/** How the control is drawn: what a focus indicator changes (ring, shadow, border, background). */
const looks = (target: Locator) =>
  target.evaluate((el) => {
    const style = (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(
      el,
    );
    return [
      style['outlineStyle'],
      style['outlineWidth'],
      style['outlineColor'],
      style['boxShadow'],
      style['borderColor'],
      style['backgroundColor'],
    ].join(' | ');
  });

/** The focused control looks different from the same control without the focus (WCAG 2.4.7). */
async function expectVisibleFocus(target: Locator): Promise<void> {
  // Mantine eases colours over 100 ms: each look waits for the transition to end.
  const page = target.page();
  await page.waitForTimeout(250);
  const focused = await looks(target);
  await target.evaluate((el) => (el as { blur(): void }).blur());
  await page.waitForTimeout(250);
  const unfocused = await looks(target);
  await target.focus();
  expect(focused, `focused: ${focused}; without focus: ${unfocused}`).not.toBe(unfocused);
}

test('signs in, moves through the app and creates a customer with the keyboard alone', async ({ page }) => {
  const app = new AppPage(page);
  await app.openAsAdmin();
  await page.context().clearCookies();
  await app.open();

  // Sign in.
  const email = page.getByRole('form', { name: 'Sign in' }).getByLabel('Email');
  await tabTo(page, email);
  await expectVisibleFocus(email);
  await page.keyboard.type(ADMIN.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(ADMIN.password);
  await page.keyboard.press('Enter');
  await expect(app.customersHeading).toBeVisible();

  // A new customer: the link, the dialog, Enter saves, the focus comes back to the link.
  const create = page.getByRole('link', { name: 'New customer' });
  await tabTo(page, create);
  await expectVisibleFocus(create);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  const name = dialog.getByRole('textbox', { name: /^Name/ });
  await tabTo(page, name);
  await page.keyboard.type('Tastatur Müller GmbH');
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(create).toBeFocused();

  // Escape closes a dialog (nothing typed), and the focus returns to where it came from.
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(create).toBeFocused();

  // The navigation (before the list: backwards from the link), Admin, then its tabs with the arrow keys.
  const admin = app.navLink('Admin');
  await tabTo(page, admin, { backwards: true });
  await expectVisibleFocus(admin);
  await page.keyboard.press('Enter');
  const users = page.getByRole('tab', { name: 'Users' });
  await tabTo(page, users);
  await expectVisibleFocus(users);
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Roles' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('tab', { name: 'Roles' })).toHaveAttribute('aria-selected', 'true');
});
