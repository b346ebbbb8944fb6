// Email against a real SMTP peer on 127.0.0.1: TLS, authentication, a server that fails and
// recovers, and the verification and reset codes that travel by mail.
import { sql } from 'drizzle-orm';
import { mailErrorKind } from '../../shared/mail-errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate, startSmtpPeer, type SmtpPeer } from '../../../test/fixtures/smtp-peer';
import { openTestKontor, TEST_ADMIN, testDialects, type TestKontor, value } from '../db/testing';

const certificate = selfSignedCertificate();
const SMTP_USER = 'kontor';
const SMTP_PASS = 'smtp secret 42';
// The code follows a colon at the end of its line (headers hold other runs of digits).
const codeIn = (text: string) => /: (\d{8})\r?\n/.exec(text)?.[1] ?? '';

describe.each(testDialects)('mail on %s', (dialect) => {
  let kontor: TestKontor;
  let starttls: SmtpPeer;
  let tls: SmtpPeer;
  let now = Date.parse('2026-05-04T08:00:00.000Z');
  /** Moves the clock on and unlocks the admin session that idled meanwhile. */
  async function advance(ms: number): Promise<void> {
    now += ms;
    const unlocked = await kontor.call('auth.unlock', { password: TEST_ADMIN.password });
    if (!unlocked.ok)
      value(await kontor.call('auth.login', { email: TEST_ADMIN.email, password: TEST_ADMIN.password }));
  }
  const lastTo = (address: string) => [...starttls.received].reverse().find((m) => m.to.includes(address));

  const smtp = (peer: SmtpPeer, security: 'starttls' | 'tls', extra: object = {}) =>
    kontor.call('mail.setSettings', {
      host: '127.0.0.1',
      port: peer.port,
      security,
      user: SMTP_USER,
      password: SMTP_PASS,
      from: 'kontor@muster.example',
      allowSelfSigned: true,
      ...extra,
    });

  beforeAll(async () => {
    starttls = await startSmtpPeer({ mode: 'starttls', user: SMTP_USER, pass: SMTP_PASS, certificate });
    tls = await startSmtpPeer({ mode: 'tls', user: SMTP_USER, pass: SMTP_PASS, certificate });
    kontor = await openTestKontor(dialect, { clock: { now: () => new Date(now) } });
  });
  afterAll(async () => {
    await kontor.dispose();
    await starttls.close();
    await tls.close();
  });

  it('sends a test mail through STARTTLS with authentication, and keeps the SMTP password encrypted', async () => {
    expect(value(await smtp(starttls, 'starttls'))).toMatchObject({ hasPassword: true, configured: true });
    expect(JSON.stringify(await kontor.call('mail.getSettings', {}))).not.toContain(SMTP_PASS);
    const rows = await kontor.stores.system.sql.rows(
      sql`SELECT value FROM ${kontor.stores.system.sql.table('settings')} WHERE key = 'smtp'`,
    );
    expect(String(rows[0]?.['value'])).not.toContain(SMTP_PASS);

    expect(await kontor.call('mail.sendTest', { to: 'it@muster.example' })).toEqual({
      ok: true,
      value: { sent: true, error: null },
    });
    expect(starttls.received.at(-1)?.to).toEqual(['it@muster.example']);
    expect(starttls.received.at(-1)?.text).toContain('Kontor: Testnachricht / Test message');
  });

  it('sends through implicit TLS', async () => {
    value(await smtp(tls, 'tls'));
    expect(await kontor.call('mail.sendTest', { to: 'it@muster.example' })).toMatchObject({ value: { sent: true } });
    expect(tls.received).toHaveLength(1);
  });

  it('reports a wrong SMTP password and an untrusted certificate in words', async () => {
    value(await smtp(starttls, 'starttls', { password: 'wrong password' }));
    const wrong = value<{ sent: boolean; error: string }>(
      await kontor.call('mail.sendTest', { to: 'it@muster.example' }),
    );
    expect(wrong.sent).toBe(false);
    expect(wrong.error).toMatch(/Invalid login|Invalid username or password|535/i);
    expect(mailErrorKind(wrong.error)).toBe('auth');
    value(await smtp(starttls, 'starttls', { allowSelfSigned: false }));
    const untrusted = value<{ sent: boolean; error: string }>(
      await kontor.call('mail.sendTest', { to: 'it@muster.example' }),
    );
    expect(untrusted.error).toMatch(/certificate/i);
    expect(mailErrorKind(untrusted.error)).toBe('tls');
    value(await smtp(starttls, 'starttls'));
  });

  it('loses no mail when the server fails: it retries with growing pauses until the server recovers', async () => {
    starttls.failNext(2);
    const before = starttls.received.length;
    value(
      await kontor.call('users.create', {
        email: 'neu@muster.example',
        name: 'Nina Neu',
        roleId: 'clerk',
        password: 'initial nina password',
      }),
    );
    await kontor.mail.processDue();
    let [item] = value<{ status: string; attempts: number; lastError: string }[]>(
      await kontor.call('mail.outbox', { status: 'pending' }),
    );
    expect(item).toMatchObject({ status: 'pending', attempts: 1 });
    expect(item?.lastError).toMatch(/451|Temporary/);

    await kontor.mail.processDue(); // not due yet: nothing happens
    expect(value<{ attempts: number }[]>(await kontor.call('mail.outbox', { status: 'pending' }))[0]?.attempts).toBe(1);
    await advance(60_000);
    await kontor.mail.processDue();
    [item] = value<(typeof item)[]>(await kontor.call('mail.outbox', { status: 'pending' }));
    expect(item).toMatchObject({ attempts: 2 });
    await advance(120_000);
    await kontor.mail.processDue();
    expect(value(await kontor.call('mail.outbox', { status: 'pending' }))).toEqual([]);
    expect(starttls.received.length).toBe(before + 1);
    expect(starttls.received.at(-1)?.to).toEqual(['neu@muster.example']);
    expect(starttls.received.at(-1)?.text).toContain('Bestätigungscode');
  });

  it("confirms a new user's address with the mailed code, once", async () => {
    const code = codeIn(lastTo('neu@muster.example')?.text ?? '');
    const nina = kontor.caller('nina');
    value(await nina('auth.login', { email: 'neu@muster.example', password: 'initial nina password' }));
    // Allowed before the forced password change: confirming the address is part of getting ready.
    expect(await nina('auth.verifyEmail', { code: code === '00000000' ? '11111111' : '00000000' })).toMatchObject({
      error: { code: 'validation' },
    });
    expect(await nina('auth.verifyEmail', { code })).toEqual({ ok: true, value: { verified: true } });
    expect(await nina('auth.verifyEmail', { code })).toMatchObject({ error: { code: 'validation' } });
    expect(await nina('auth.status', {})).toMatchObject({ value: { user: { emailVerified: true } } });
  });

  it('resets a forgotten password with a mailed code that works once, expires, and dies after wrong guesses', async () => {
    const anon = kontor.caller('forgot');
    const other = kontor.caller('nina-elsewhere');
    value(await other('auth.login', { email: 'neu@muster.example', password: 'initial nina password' }));

    expect(await anon('auth.forgotPassword', { email: 'nobody@muster.example' })).toEqual({
      ok: true,
      value: { requested: true },
    });
    value(await anon('auth.forgotPassword', { email: 'neu@muster.example' }));
    await kontor.mail.processDue();
    const code = codeIn(lastTo('neu@muster.example')?.text ?? '');
    expect(lastTo('neu@muster.example')?.text).toContain('Kontor-Passwort zurück');

    const reset = (c: string, password = 'nina chose a new one') =>
      anon('auth.resetPassword', { email: 'neu@muster.example', code: c, password });
    // A wrong code is refused before the password rules are looked at: they would tell a stranger
    // that the address has an account.
    const wrong = String((Number(code) + 1) % 100_000_000).padStart(8, '0');
    expect(await reset(wrong, 'neu@muster.example')).toMatchObject({ error: { details: { reason: 'wrong_code' } } });
    // With the right code, a password the rules refuse leaves the code usable.
    expect(await reset(code, 'neu@muster.example')).toMatchObject({
      error: { details: { issues: [{ rule: 'not_email' }] } },
    });
    expect(await reset(code)).toEqual({ ok: true, value: { reset: true } });
    expect(await reset(code)).toMatchObject({ error: { code: 'validation' } });
    expect(await other('customers.list', {})).toMatchObject({ error: { code: 'unauthenticated' } });
    expect(await anon('auth.login', { email: 'neu@muster.example', password: 'nina chose a new one' })).toMatchObject({
      ok: true,
    });

    // Expiry.
    value(await anon('auth.forgotPassword', { email: 'neu@muster.example' }));
    await kontor.mail.processDue();
    const late = codeIn(lastTo('neu@muster.example')?.text ?? '');
    await advance(31 * 60_000);
    expect(await reset(late)).toMatchObject({ error: { code: 'validation' } });

    // Five wrong guesses kill the code.
    value(await anon('auth.forgotPassword', { email: 'neu@muster.example' }));
    await kontor.mail.processDue();
    const guessed = codeIn(lastTo('neu@muster.example')?.text ?? '');
    for (let i = 0; i < 5; i++) await reset(String((Number(guessed) + 1 + i) % 100_000_000).padStart(8, '0'));
    expect(await reset(guessed)).toMatchObject({ error: { code: 'validation' } });
  });

  it('sends at most three reset mails a quarter of an hour, and says the same either way', async () => {
    await advance(60 * 60_000);
    const anon = kontor.caller('flood');
    const before = starttls.received.length;
    for (let i = 0; i < 6; i++)
      expect(await anon('auth.forgotPassword', { email: 'neu@muster.example' })).toEqual({
        ok: true,
        value: { requested: true },
      });
    await kontor.mail.processDue();
    expect(starttls.received.slice(before).filter((m) => m.to.includes('neu@muster.example'))).toHaveLength(3);
  });

  it('marks a message failed after the last attempt and lets an admin retry it', async () => {
    starttls.failNext(100);
    await advance(60 * 60_000);
    value(
      await kontor.call('users.create', {
        email: 'spaet@muster.example',
        name: 'S',
        roleId: 'viewer',
        password: 'initial late password',
      }),
    );
    for (let i = 0; i < 8; i++) {
      await kontor.mail.processDue();
      await advance(3_600_000);
    }
    const [failed] = value<{ id: string; attempts: number }[]>(await kontor.call('mail.outbox', { status: 'failed' }));
    expect(failed?.attempts).toBe(8);
    starttls.failNext(0);
    expect(await kontor.call('mail.retry', { id: failed?.id })).toMatchObject({ value: { status: 'sent' } });
    expect(await kontor.call('mail.remove', { id: failed?.id })).toMatchObject({
      error: { code: 'conflict', details: { reason: 'message_sent' } },
    });
  });

  it('removes a failed message from the outbox for good, and records who did', async () => {
    starttls.failNext(100);
    value(
      await kontor.call('users.create', {
        email: 'weg@muster.example',
        name: 'W',
        roleId: 'viewer',
        password: 'initial removed password',
      }),
    );
    for (let i = 0; i < 8; i++) {
      await kontor.mail.processDue();
      await advance(3_600_000);
    }
    const failed = value<{ id: string; to: string }[]>(await kontor.call('mail.outbox', { status: 'failed' })).find(
      (m) => m.to === 'weg@muster.example',
    );
    expect(failed).toBeDefined();
    expect(await kontor.call('mail.remove', { id: failed?.id })).toMatchObject({ ok: true, value: { removed: true } });
    const left = value<{ id: string }[]>(await kontor.call('mail.outbox', {}));
    expect(left.map((m) => m.id)).not.toContain(failed?.id);
    expect(await kontor.call('mail.remove', { id: failed?.id })).toMatchObject({ error: { code: 'not_found' } });
    const log = value<{ items: { action: string; target: string | null }[] }>(
      await kontor.call('audit.list', { action: 'mail.removed' }),
    );
    expect(log.items).toContainEqual(expect.objectContaining({ action: 'mail.removed', target: failed?.id }));
    starttls.failNext(0);
  });

  /** The outbox row as stored: what a copy of the database would show. */
  async function storedBodies(to: string): Promise<{ status: string; body: string }[]> {
    const db = kontor.stores.system.sql;
    const rows = await db.rows(
      sql`SELECT status, text_body FROM ${db.table('mail_outbox')} WHERE to_address = ${to} ORDER BY created_at, id`,
    );
    return rows.map((r) => ({ status: String(r['status']), body: String(r['text_body']) }));
  }

  it('keeps codes out of the outbox: bodies sealed while waiting, deleted once sent, the list shows metadata', async () => {
    starttls.failNext(0);
    value(await smtp(starttls, 'starttls'));
    await advance(60 * 60_000);
    value(await kontor.call('auth.forgotPassword', { email: 'neu@muster.example' }));
    const [waiting] = (await storedBodies('neu@muster.example')).slice(-1);
    expect(waiting?.status).toBe('pending');
    expect(waiting?.body).toMatch(/^v1:/);
    expect(waiting?.body).not.toMatch(/\d{8}/);
    await kontor.mail.processDue();
    const code = codeIn(lastTo('neu@muster.example')?.text ?? '');
    expect(code).toMatch(/^\d{8}$/);
    for (const row of await storedBodies('neu@muster.example')) {
      if (row.status === 'sent') expect(row.body).toBe('');
    }
    const listed = value<object[]>(await kontor.call('mail.outbox', {}));
    expect(JSON.stringify(listed)).not.toContain(code);
    for (const item of listed) expect(Object.keys(item).sort()).not.toContain('text');
  });

  it('deletes the body of a message whose code expired before it could be sent', async () => {
    starttls.failNext(100);
    await advance(60 * 60_000);
    value(await kontor.call('auth.forgotPassword', { email: 'neu@muster.example' }));
    await kontor.mail.processDue();
    const [pending] = (await storedBodies('neu@muster.example')).slice(-1);
    expect(pending).toMatchObject({ status: 'pending', body: expect.stringMatching(/^v1:/) });
    await advance(31 * 60_000);
    await kontor.mail.processDue();
    const [expired] = (await storedBodies('neu@muster.example')).slice(-1);
    expect(expired).toEqual({ status: 'failed', body: '' });
    const [item] = value<{ id: string; lastError: string }[]>(await kontor.call('mail.outbox', { status: 'failed' }));
    expect(item?.lastError).toContain('expired');
    starttls.failNext(0);
    expect(await kontor.call('mail.retry', { id: item?.id })).toMatchObject({ error: { code: 'conflict' } });
  });

  it('seals the plain bodies an older version stored, and deletes those already sent', async () => {
    starttls.failNext(0);
    const db = kontor.stores.system.sql;
    const at = new Date(now).toISOString();
    const insert = (id: string, status: string, text: string) =>
      db.run(sql`INSERT INTO ${db.table('mail_outbox')}
        (id, to_address, subject, text_body, status, attempts, next_attempt_at, created_at)
        VALUES (${id}, 'alt@muster.example', 'Alt', ${text}, ${status}, 0, ${at}, ${at})`);
    await insert('legacy-sent', 'sent', 'old code: 12345678\n');
    await insert('legacy-pending', 'pending', 'waiting code: 87654321\n');
    await kontor.mail.sealStoredBodies();
    const bodies = await storedBodies('alt@muster.example');
    expect(bodies).toEqual([
      { status: 'pending', body: expect.stringMatching(/^v1:/) },
      { status: 'sent', body: '' },
    ]);
    await kontor.mail.processDue();
    expect(lastTo('alt@muster.example')?.text).toContain('87654321');
  });

  it('refuses an SMTP password over an unencrypted connection to another machine', async () => {
    const before = value(await kontor.call('mail.getSettings', {}));
    const plain = (host: string, password?: string) =>
      kontor.call('mail.setSettings', {
        host,
        port: 25,
        security: 'none',
        from: 'kontor@muster.example',
        ...(password !== undefined && { password }),
      });
    expect(await plain('smtp.muster.example', 'a password')).toMatchObject({
      ok: false,
      error: { code: 'validation', details: { issues: [{ path: 'security', rule: 'encrypted_for_password' }] } },
    });
    // The stored password would be sent as well.
    expect(await plain('smtp.muster.example')).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(value(await kontor.call('mail.getSettings', {}))).toEqual(before);
    // Without a password, or to this machine, plain SMTP is allowed.
    expect(await plain('smtp.muster.example', '')).toMatchObject({ ok: true });
    expect(await plain('127.0.0.1', 'a password')).toMatchObject({ ok: true });
    value(await smtp(starttls, 'starttls'));
  });
});
