// Identity end to end in the browser: first run, sign-in, 2FA, idle lock, and a Clerk's limits.
import { expect, test } from '@playwright/test';
import { generate } from 'otplib';
import { startSmtpPeer } from '../fixtures/smtp-peer';
import { AccountPage } from './pages/account-page';
import { AdminPage } from './pages/admin-page';
import { CustomersPage } from './pages/customers-page';
import { ADMIN, AppPage } from './pages/app-page';

test.describe.configure({ mode: 'serial' });

test('first start sets up the company and its administrator, who can sign out and in again', async ({ page }) => {
  const app = new AppPage(page);
  await app.open();
  await expect(app.setupHeading).toBeVisible();
  await app.setUp();
  await expect(app.customersHeading).toBeVisible();
  await expect(page.getByTestId('company-name')).toHaveText(ADMIN.company);
  await app.signOut();

  await app.signIn(ADMIN.email, 'a wrong password!');
  await expect(page.getByRole('alert')).toHaveText('Email or password is wrong.');
  await app.signIn(ADMIN.email, ADMIN.password);
  await expect(app.customersHeading).toBeVisible();
});

test('a new user sets an own password, enrols 2FA, signs in with a code, and a reused code is refused', async ({
  page,
  browser,
}) => {
  const admin = new AppPage(page);
  await admin.openAsAdmin();
  await admin.createUser('tom@e2e.example', 'manager', 'initial tom password');

  const context = await browser.newContext();
  const app = new AppPage(await context.newPage());
  await app.open();
  await app.signIn('tom@e2e.example', 'initial tom password');
  await expect(app.page.getByRole('heading', { name: 'Set your own password' })).toBeVisible();
  await app.setOwnPasswordAfterSignIn('tom has his own password');
  await expect(app.customersHeading).toBeVisible();

  const account = new AccountPage(app.page);
  await account.open();
  const secret = await account.enrolTwoFactor();
  await app.signOut();

  // The enrolment used up this time step's code; the phone's next code (one step ahead) signs in.
  const code = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
  await app.signIn('tom@e2e.example', 'tom has his own password', code);
  await expect(app.page.getByRole('button', { name: 'Account menu' })).toBeVisible();
  await app.signOut();

  await app.signIn('tom@e2e.example', 'tom has his own password', code);
  await expect(app.page.getByRole('alert')).toHaveText('The code is wrong or was used already.');
  await context.close();
});

test('a Clerk cannot open the users screen, and a forged call to users.create is forbidden', async ({
  page,
  browser,
}) => {
  const admin = new AppPage(page);
  await admin.openAsAdmin();
  await admin.createUser('carla@e2e.example', 'clerk', 'initial carla password');

  const context = await browser.newContext();
  const clerk = new AppPage(await context.newPage());
  await clerk.open();
  await clerk.signIn('carla@e2e.example', 'initial carla password');
  await clerk.setOwnPasswordAfterSignIn('carla has her own password');
  await expect(clerk.customersHeading).toBeVisible();
  const nav = clerk.page.getByRole('navigation', { name: 'Main navigation' });
  await expect(nav.getByRole('link', { name: 'Customers' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Admin' })).toHaveCount(0);

  await clerk.page.goto('/#/admin');
  await expect(clerk.customersHeading).toBeVisible();
  await expect(clerk.page.getByRole('heading', { name: 'Admin' })).toHaveCount(0);

  const forged = await clerk.invoke('users.create', {
    email: 'mallory@e2e.example',
    name: 'Mallory',
    roleId: 'administrator',
    password: 'mallory wants in',
  });
  expect(forged).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  const users = await admin.invoke('users.list', {});
  expect(JSON.stringify(users.value)).not.toContain('mallory');
  const denied = await admin.invoke('audit.list', { action: 'permission.denied' });
  expect(JSON.stringify(denied.value)).toContain('carla@e2e.example');
  await context.close();
});

test('the app locks when idle and unlocks with the password, keeping unsaved input', async ({ page }) => {
  const app = new AppPage(page);
  await app.openAsAdmin();
  expect((await app.invoke('security.set', { idleMinutes: 1 })).ok).toBe(true);
  try {
    const dialog = (await new CustomersPage(page).startNew()).dialog;
    await dialog.getByLabel('Name', { exact: false }).first().fill('Ungespeicherte Eingabe');
    // Idle for more than a minute (the web host's test clock moves on), then the next call finds
    // the session locked.
    await app.advanceClock(62_000);
    await dialog.getByRole('button', { name: 'Save' }).click();
    const lock = page.getByRole('dialog', { name: 'Kontor is locked' });
    await expect(lock).toBeVisible();
    await lock.getByLabel(/^Password/).fill('not it at all');
    await lock.getByRole('button', { name: 'Unlock' }).click();
    await expect(lock.getByRole('alert')).toHaveText('Email or password is wrong.');
    await lock.getByLabel(/^Password/).fill(ADMIN.password);
    await lock.getByRole('button', { name: 'Unlock' }).click();
    await expect(lock).toBeHidden();
    await expect(dialog.getByLabel('Name', { exact: false }).first()).toHaveValue('Ungespeicherte Eingabe');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('status')).toContainText('Ungespeicherte Eingabe');
  } finally {
    await app.invoke('security.set', { idleMinutes: 15 });
  }
});

test('a forgotten password is reset with a code sent through the configured SMTP server', async ({ page, browser }) => {
  const smtp = await startSmtpPeer({ mode: 'plain' });
  try {
    const admin = new AppPage(page);
    await admin.openAsAdmin();
    await new AdminPage(page).open('Email');
    const form = page.getByRole('form', { name: 'Mail server (SMTP)' });
    await form.getByRole('textbox', { name: /^Server/ }).fill('127.0.0.1');
    await form.getByRole('textbox', { name: /^Port/ }).fill(String(smtp.port));
    await form.getByLabel('Encryption').click();
    await page.getByRole('option', { name: /^None/ }).click();
    await form.getByLabel('Sender address').fill('kontor@e2e.example');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('button', { name: /Send a test email/ }).click();
    await expect(form.getByRole('status')).toHaveText('The server accepted the test email.');
    await admin.createUser('vera@e2e.example', 'viewer', 'initial vera password');

    const context = await browser.newContext();
    const app = new AppPage(await context.newPage());
    await app.open();
    await app.page.getByRole('button', { name: 'Forgot your password?' }).click();
    await app.page.getByLabel('Email').fill('vera@e2e.example');
    await app.page.getByRole('button', { name: 'Send code' }).click();
    await expect
      .poll(() => smtp.received.filter((m) => m.text.includes('Kontor-Passwort')).length, { timeout: 20_000 })
      .toBe(1);
    const mail = smtp.received.find((m) => m.text.includes('Kontor-Passwort'));
    const code = /: (\d{8})\r?\n/.exec(mail?.text ?? '')?.[1] ?? '';
    await app.page.getByLabel('Code from the email').fill(code);
    await app.page.getByLabel('New password').fill('vera picked her own');
    await app.page.getByRole('button', { name: 'Set new password' }).click();
    await expect(app.page.getByRole('status')).toHaveText('Your password was reset. Sign in with the new one.');
    await app.signIn('vera@e2e.example', 'vera picked her own');
    await expect(app.customersHeading).toBeVisible();
    await context.close();
  } finally {
    await smtp.close();
  }
});

test('an administrator creates and renames a company and switches to it', async ({ page }) => {
  const admin = new AppPage(page);
  await admin.openAsAdmin();
  await new AdminPage(page).open('Companies');
  await page.getByRole('button', { name: 'New company' }).click();
  await page.getByRole('dialog').getByLabel('Company name').fill('Zweigstelle Nord');
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  const row = page.getByRole('table', { name: 'Companies' }).getByRole('row', { name: /Zweigstelle Nord/ });
  await row.getByRole('button', { name: 'Rename' }).click();
  await page.getByRole('dialog').getByLabel('Company name').fill('Zweigstelle Nord GmbH');
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('table', { name: 'Companies' })).toContainText('Zweigstelle Nord GmbH');

  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: /Zweigstelle Nord GmbH/ }).click();
  await expect(page.getByTestId('company-name')).toHaveText('Zweigstelle Nord GmbH');
});

test('a company administrator sees no installation settings, and joins another company from an invitation', async ({
  page,
  browser,
}) => {
  const admin = new AppPage(page);
  await admin.openAsAdmin();
  await admin.createUser('lena@e2e.example', 'administrator', 'initial lena password');
  // The installation administrator makes a second company and invites Lena into it.
  const other = await admin.invoke('tenants.setup', { name: 'Tochter Süd GmbH' });
  const otherId = (other.value as { id: string }).id;
  const home = ((await admin.invoke('auth.status', {})).value as { tenant: { id: string } }).tenant.id;
  await admin.invoke('auth.switchTenant', { tenantId: otherId });
  await admin.createUser('lena@e2e.example', 'clerk', 'not used for invitations');
  await admin.invoke('auth.switchTenant', { tenantId: home });

  const context = await browser.newContext();
  const lena = new AppPage(await context.newPage());
  await lena.open();
  await lena.signIn('lena@e2e.example', 'initial lena password');
  await lena.setOwnPasswordAfterSignIn('lena has her own password');
  await expect(lena.customersHeading).toBeVisible();

  // A company administrator: users and roles, but neither mail, nor the database, nor new companies.
  const lenaAdmin = new AdminPage(lena.page);
  await lenaAdmin.open('Companies');
  await expect(lenaAdmin.tab('Users')).toBeVisible();
  await expect(lenaAdmin.tab('Email')).toHaveCount(0);
  await expect(lena.page.getByRole('table', { name: 'Companies' })).toContainText(ADMIN.company);
  await expect(lena.page.getByRole('table', { name: 'Companies' })).not.toContainText('Tochter Süd GmbH');
  await expect(lena.page.getByRole('button', { name: 'New company' })).toHaveCount(0);
  await lena.page.goto('/#/settings');
  await expect(lena.page.getByRole('heading', { name: 'Appearance' })).toBeVisible();
  await expect(lena.page.getByRole('heading', { name: 'Database' })).toHaveCount(0);

  // The invitation waits for her answer; joining makes the company one of hers.
  await expect(lena.page.getByRole('status').filter({ hasText: 'Tochter Süd GmbH invites you' })).toBeVisible();
  await lena.page.getByRole('button', { name: 'Join' }).click();
  await expect(lena.page.getByRole('button', { name: 'Join' })).toHaveCount(0);
  await lena.page.getByRole('button', { name: 'Account menu' }).click();
  await expect(lena.page.getByRole('menuitem', { name: /Tochter Süd GmbH/ })).toBeVisible();
  await context.close();
});
