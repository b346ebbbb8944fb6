// Page object for getting into the app: first-run setup, sign-in, a forgotten password, the forced
// password change, the idle lock, and the account menu (company switch, invitations, sign-out).
import { expect, type Locator, type Page } from '@playwright/test';

export const ADMIN = {
  company: 'E2E Handels GmbH',
  name: 'Erika Admin',
  email: 'admin@e2e.example',
  password: 'e2e admin password',
};

export const token = (): string => process.env['KONTOR_E2E_TOKEN'] ?? '';

type Bridge = {
  kontor: {
    invoke(
      name: string,
      input: unknown,
    ): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>;
  };
};

export class AppPage {
  constructor(readonly page: Page) {}

  get setupHeading(): Locator {
    return this.page.getByRole('heading', { name: 'Set up your company' });
  }
  get signInHeading(): Locator {
    return this.page.getByRole('heading', { name: 'Sign in' });
  }
  get customersHeading(): Locator {
    return this.screenHeading('Customers');
  }
  /** The heading of the screen shown now. */
  screenHeading(name: string): Locator {
    return this.page.getByRole('heading', { name, level: 2 });
  }
  get forcedPasswordHeading(): Locator {
    return this.page.getByRole('heading', { name: 'Set your own password' });
  }
  get accountMenu(): Locator {
    return this.page.getByRole('button', { name: 'Account menu' });
  }
  /** A link of the main navigation. */
  navLink(name: 'Customers' | 'Analytics' | 'Admin' | 'Settings'): Locator {
    return this.page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name });
  }

  /** Opens the app with the web host's token, which it swaps for cookies. */
  async open(): Promise<void> {
    await this.page.goto(`/?token=${token()}`);
    await expect(this.setupHeading.or(this.signInHeading).or(this.customersHeading)).toBeVisible();
  }

  /** Opens the app and gets in as the administrator, setting the installation up if it is new. */
  async openAsAdmin(): Promise<void> {
    await this.open();
    if (await this.setupHeading.isVisible()) await this.setUp();
    else if (await this.signInHeading.isVisible()) await this.signIn(ADMIN.email, ADMIN.password);
    await expect(this.customersHeading).toBeVisible();
  }

  async setUp(): Promise<void> {
    const form = this.page.getByRole('form', { name: 'Set up your company' });
    await form.getByLabel('Company name').fill(ADMIN.company);
    await form.getByLabel('Your name (first administrator)').fill(ADMIN.name);
    await form.getByLabel('Email').fill(ADMIN.email);
    await form.getByLabel(/^Password/).fill(ADMIN.password);
    await form.getByLabel('Repeat the password').fill(ADMIN.password);
    await form.getByRole('button', { name: 'Create company' }).click();
  }

  async signIn(email: string, password: string, code?: string): Promise<void> {
    const form = this.page.getByRole('form', { name: 'Sign in' });
    await form.getByLabel('Email').fill(email);
    await form.getByLabel(/^Password/).fill(password);
    await form.getByRole('button', { name: 'Sign in' }).click();
    if (code !== undefined) {
      await form.getByRole('textbox', { name: 'Code' }).fill(code);
      await form.getByRole('button', { name: 'Verify' }).click();
    }
  }

  /**
   * The change forced right after the first sign-in: the password just used is not asked again.
   */
  async setOwnPasswordAfterSignIn(next: string): Promise<void> {
    const form = this.page.getByRole('form', { name: 'Change password' });
    await expect(form.getByLabel('New password')).toBeVisible();
    await expect(form.getByLabel('Current password')).toHaveCount(0);
    await form.getByLabel('New password').fill(next);
    await form.getByLabel('Repeat the password').fill(next);
    await form.getByRole('button', { name: 'Change password' }).click();
  }

  /** Asks for a reset code by email from the sign-in screen. */
  async forgotPassword(email: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Forgot your password?' }).click();
    const form = this.page.getByRole('form', { name: 'Reset your password' });
    await form.getByLabel('Email').fill(email);
    await form.getByRole('button', { name: 'Send code' }).click();
    await expect(form.getByLabel('Code from the email')).toBeVisible();
  }

  /** Sets a new password with the code from the email; back on the sign-in screen with its notice. */
  async resetPassword(code: string, password: string): Promise<void> {
    const form = this.page.getByRole('form', { name: 'Reset your password' });
    await form.getByLabel('Code from the email').fill(code);
    await form.getByLabel('New password').fill(password);
    await form.getByRole('button', { name: 'Set new password' }).click();
  }

  /** The alert of the sign-in form (a refused sign-in). */
  get signInError(): Locator {
    return this.page.getByRole('form', { name: 'Sign in' }).getByRole('alert');
  }

  /** The idle lock over the app. */
  get lock(): Locator {
    return this.page.getByRole('dialog', { name: 'Kontor is locked' });
  }

  async unlock(password: string): Promise<void> {
    await this.lock.getByLabel(/^Password/).fill(password);
    await this.lock.getByRole('button', { name: 'Unlock' }).click();
  }

  /** The company the app works in now, as the header names it. */
  get companyName(): Locator {
    return this.page.getByTestId('company-name');
  }

  async switchCompany(name: string): Promise<void> {
    await this.accountMenu.click();
    await this.page.getByRole('menuitem', { name: new RegExp(name) }).click();
    await expect(this.companyName).toHaveText(name);
  }

  /** The companies the account menu offers to switch to. */
  async companiesOffered(): Promise<string[]> {
    await this.accountMenu.click();
    const items = await this.page.getByRole('menuitem').allTextContents();
    await this.page.keyboard.press('Escape');
    return items;
  }

  /** The notice of an open invitation into a company. */
  invitation(company: string): Locator {
    return this.page.getByRole('status').filter({ hasText: `${company} invites you` });
  }

  async acceptInvitation(company: string): Promise<void> {
    await this.invitation(company).getByRole('button', { name: 'Join' }).click();
    await expect(this.invitation(company)).toHaveCount(0);
  }

  /** The language switch in the header (DE / EN). */
  async switchLanguage(code: 'DE' | 'EN'): Promise<void> {
    await this.page.getByText(code, { exact: true }).click();
  }

  /** The short notice after an action (bottom of the screen). */
  notice(text: string | RegExp): Locator {
    return this.page.getByRole('status').filter({ hasText: text });
  }

  async signOut(): Promise<void> {
    await this.accountMenu.click();
    await this.page.getByRole('menuitem', { name: 'Sign out' }).click();
    await expect(this.signInHeading).toBeVisible();
  }

  /** Moves the web host's test clock on (KONTOR_WEB_TEST_CLOCK=1), as if that much time had passed. */
  async advanceClock(ms: number): Promise<void> {
    const reply = await this.page.request.post('/__kontor/test/advance-clock', {
      headers: { 'x-kontor': '1', 'content-type': 'application/json' },
      data: { ms },
    });
    expect(reply.status()).toBe(204);
  }

  /** Calls a procedure as this page's session, as any script in the page could. */
  invoke(name: string, input: unknown) {
    return this.page.evaluate(([n, i]) => (globalThis as unknown as Bridge).kontor.invoke(n, i), [
      name,
      input,
    ] as const);
  }

  /** As the signed-in administrator: creates a user with an initial password. */
  async createUser(email: string, roleId: string, password: string): Promise<void> {
    const result = await this.invoke('users.create', { email, name: email.split('@')[0], roleId, password });
    expect(result.ok, JSON.stringify(result.error)).toBe(true);
  }
}
