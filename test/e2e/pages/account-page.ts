// Page object for "My account": two-factor enrolment with its recovery codes.
import { expect, type Page } from '@playwright/test';
import { generate } from 'otplib';

export class AccountPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByRole('button', { name: 'Account menu' }).click();
    await this.page.getByRole('menuitem', { name: 'My account' }).click();
  }

  /** Turns 2FA on with a code from the shown secret; returns the secret (the phone's copy). */
  async enrolTwoFactor(): Promise<string> {
    await this.page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    await this.page.getByRole('button', { name: 'Set up' }).click();
    const secret = (await this.page.getByTestId('totp-secret').textContent()) ?? '';
    await expect(this.page.getByRole('img', { name: 'QR code for the authenticator app' })).toBeVisible();
    await this.page.getByRole('textbox', { name: 'Code', exact: true }).fill(await generate({ secret }));
    await this.page.getByRole('button', { name: 'Confirm and turn on' }).click();
    await expect(this.page.getByTestId('recovery-codes').getByRole('listitem')).toHaveCount(10);
    await this.page.getByRole('button', { name: 'I have stored them' }).click();
    return secret;
  }
}
