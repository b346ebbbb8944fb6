// Page object for getting into the app: first-run setup, sign-in, forced password change, lock.
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
    return this.page.getByRole('heading', { name: 'Customers', level: 2 });
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

  async signOut(): Promise<void> {
    await this.page.getByRole('button', { name: 'Account menu' }).click();
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
