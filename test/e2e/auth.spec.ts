// Identity end to end in the browser: first run, sign-in, 2FA, idle lock, and a Clerk's limits.
import { expect, test } from '@playwright/test';
import { generate } from 'otplib';
import { startSmtpPeer } from '../fixtures/smtp-peer';
import { AccountPage } from './pages/account-page';
import { AdminPage } from './pages/admin-page';
import { CustomersPage } from './pages/customers-page';
import { ADMIN, AppPage } from './pages/app-page';
import { SettingsPage } from './pages/settings-page';

test.describe.configure({ mode: 'serial' });

test('first start sets up the company and its administrator, who can sign out and in again', async ({ page }) => {
  const app = new AppPage(page);
  await app.open();
  await expect(app.setupHeading).toBeVisible();
  await app.setUp();
  await expect(app.customersHeading).toBeVisible();
  await expect(app.companyName).toHaveText(ADMIN.company);
  await app.signOut();

  await app.signIn(ADMIN.email, 'a wrong password!');
  await expect(app.signInError).toHaveText('Email or password is wrong.');
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
  await expect(app.forcedPasswordHeading).toBeVisible();
  await app.setOwnPasswordAfterSignIn('tom has his own password');
  await expect(app.customersHeading).toBeVisible();

  const account = new AccountPage(app.page);
  await account.open();
  const secret = await account.enrolTwoFactor();
  await app.signOut();

  // The enrolment used up this time step's code; the phone's next code (one step ahead) signs in.
  const code = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
  await app.signIn('tom@e2e.example', 'tom has his own password', code);
  await expect(app.accountMenu).toBeVisible();
  await app.signOut();

  await app.signIn('tom@e2e.example', 'tom has his own password', code);
  await expect(app.signInError).toHaveText('The code is wrong or was used already.');
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
  await expect(clerk.navLink('Customers')).toBeVisible();
  await expect(clerk.navLink('Admin')).toHaveCount(0);

  await clerk.page.goto('/#/admin');
  await expect(clerk.customersHeading).toBeVisible();
  await expect(clerk.screenHeading('Admin')).toHaveCount(0);

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
    const form = await new CustomersPage(page).startNew();
    await form.field('Name').fill('Ungespeicherte Eingabe');
    // Idle for more than a minute (the web host's test clock moves on), then the next call finds
    // the session locked.
    await app.advanceClock(62_000);
    await form.save();
    await expect(app.lock).toBeVisible();
    await app.unlock('not it at all');
    await expect(app.lock.getByRole('alert')).toHaveText('Email or password is wrong.');
    await app.unlock(ADMIN.password);
    await expect(app.lock).toBeHidden();
    await expect(form.field('Name')).toHaveValue('Ungespeicherte Eingabe');
    await form.save();
    await expect(app.notice('Ungespeicherte Eingabe')).toBeVisible();
  } finally {
    await app.invoke('security.set', { idleMinutes: 15 });
  }
});

test('a forgotten password is reset with a code sent through the configured SMTP server', async ({ page, browser }) => {
  const smtp = await startSmtpPeer({ mode: 'plain' });
  try {
    const admin = new AppPage(page);
    await admin.openAsAdmin();
    const adminPage = new AdminPage(page);
    await adminPage.open('Email');
    await adminPage.mail.configurePlain({ host: '127.0.0.1', port: smtp.port, from: 'kontor@e2e.example' });
    await expect(await adminPage.mail.sendTest()).toHaveText('The server accepted the test email.');
    await admin.createUser('vera@e2e.example', 'viewer', 'initial vera password');

    const context = await browser.newContext();
    const app = new AppPage(await context.newPage());
    await app.open();
    await app.forgotPassword('vera@e2e.example');
    await expect
      .poll(() => smtp.received.filter((m) => m.text.includes('Kontor-Passwort')).length, { timeout: 20_000 })
      .toBe(1);
    const mail = smtp.received.find((m) => m.text.includes('Kontor-Passwort'));
    const code = /: (\d{8})\r?\n/.exec(mail?.text ?? '')?.[1] ?? '';
    await app.resetPassword(code, 'vera picked her own');
    await expect(app.notice('Your password was reset. Sign in with the new one.')).toBeVisible();
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
  const adminPage = new AdminPage(page);
  await adminPage.open('Companies');
  await adminPage.companies.create('Zweigstelle Nord');
  await adminPage.companies.rename('Zweigstelle Nord', 'Zweigstelle Nord GmbH');
  await admin.switchCompany('Zweigstelle Nord GmbH');
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
  await expect(lenaAdmin.companies.table).toContainText(ADMIN.company);
  await expect(lenaAdmin.companies.table).not.toContainText('Tochter Süd GmbH');
  await expect(lenaAdmin.companies.newButton).toHaveCount(0);
  const settings = new SettingsPage(lena.page);
  await settings.open();
  await expect(settings.section('Database')).toHaveCount(0);

  // The invitation waits for her answer; joining makes the company one of hers.
  await expect(lena.invitation('Tochter Süd GmbH')).toBeVisible();
  await lena.acceptInvitation('Tochter Süd GmbH');
  expect((await lena.companiesOffered()).join()).toContain('Tochter Süd GmbH');
  await context.close();
});
