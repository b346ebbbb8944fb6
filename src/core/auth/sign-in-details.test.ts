// Details of signing in that an attacker would try: a TOTP code raced on two connections, stored
// recovery codes, the password asked again for sensitive changes, the company name in a password.
import { generate } from 'otplib';
import { sql } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestKontor, TEST_ADMIN, testDialects, type Caller, type TestKontor, value } from '../db/testing';

describe.each(testDialects)('sign-in details on %s', (dialect) => {
  let kontor: TestKontor;
  let now = Date.parse('2026-05-04T08:00:00.000Z');
  const password = 'a changed password 1';
  let as: Caller;
  let secret: string;
  const code = (offsetSteps = 0) => generate({ secret, epoch: Math.floor(now / 1000) + offsetSteps * 30 });

  beforeAll(async () => {
    kontor = await openTestKontor(dialect, { clock: { now: () => new Date(now) } });
    as = await kontor.signInAs('clerk', 'totp-race@test.example');
    secret = value<{ secret: string }>(await as('auth.totpBegin', {})).secret;
    value(await as('auth.totpConfirm', { code: await code() }));
    now += 60_000;
  });
  afterAll(async () => kontor.dispose());

  it('accepts one TOTP code for only one of two simultaneous sign-ins', async () => {
    const current = await code();
    const login = (connection: string) =>
      kontor.caller(connection)('auth.login', { email: 'totp-race@test.example', password, code: current });
    const results = await Promise.all([login('race-1'), login('race-2'), login('race-3')]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toMatchObject([
      { error: { code: 'unauthenticated' } },
      { error: { code: 'unauthenticated' } },
    ]);
    now += 120_000;
  });

  it('stores recovery codes as keyed hashes and still takes an old unkeyed one once', async () => {
    const { recoveryCodes } = value<{ recoveryCodes: string[] }>(await as('auth.recoveryCodes', { password }));
    const db = kontor.stores.system.sql;
    const stored = (await db.rows(sql`SELECT code_hash FROM ${db.table('recovery_codes')}`)).map((r) =>
      String(r['code_hash']),
    );
    const sha = (c: string) => createHash('sha256').update(c).digest('hex');
    for (const c of recoveryCodes) expect(stored).not.toContain(sha(c));

    // A code from before: stored as plain SHA-256.
    const status = value<{ user: { id: string } }>(await as('auth.status', {}));
    await db.run(
      sql`INSERT INTO ${db.table('recovery_codes')} (user_id, code_hash) VALUES (${status.user.id}, ${sha('oldco-de123')})`,
    );
    const login = (c: string) =>
      kontor.caller(`recovery-${c}-${now}`)('auth.login', { email: 'totp-race@test.example', password, code: c });
    expect(await login('oldco-de123')).toMatchObject({ ok: true });
    now += 120_000;
    expect(await login('oldco-de123')).toMatchObject({ error: { code: 'unauthenticated' } });
    now += 120_000;
    expect(await login(recoveryCodes[0] ?? '')).toMatchObject({ ok: true });
    now += 120_000;
  });

  it('asks for the password again, throttled like a sign-in, before 2FA goes off, new recovery codes or the key backup', async () => {
    const attempts: [Caller, string, (pw: string) => object][] = [
      [as, 'auth.recoveryCodes', (pw) => ({ password: pw })],
      [as, 'auth.totpDisable', (pw) => ({ password: pw })],
      [kontor.call, 'keys.exportBackup', (pw) => ({ password: pw, passphrase: 'a backup passphrase' })],
    ];
    for (const [caller, name, input] of attempts) {
      expect(await caller(name, input('wrong password 1')), name).toMatchObject({ error: { code: 'unauthenticated' } });
      expect(await caller(name, input('wrong password 2')), name).toMatchObject({ error: { code: 'unauthenticated' } });
      // The second failure brings a pause: even the right password waits.
      const right = caller === as ? password : TEST_ADMIN.password;
      expect(await caller(name, input(right)), name).toMatchObject({
        error: { code: 'locked', details: { reason: 'throttled' } },
      });
      now += 5_000;
      expect(await caller(name, input(right)), name).toMatchObject({ ok: true });
      now += 60_000;
    }
  });

  it("refuses a password that contains the company's name, also at the first setup", async () => {
    const fresh = await openTestKontor(dialect, { skipSetup: true });
    try {
      const setup = (pw: string) =>
        fresh.call('auth.setup', {
          company: 'Muster GmbH',
          name: 'Erste',
          email: 'erste@muster.example',
          password: pw,
        });
      for (const pw of ['Muster GmbH 123', 'muster-gmbh-2026', '2026 MUSTER GMBH!']) {
        expect(await setup(pw), pw).toMatchObject({
          error: { code: 'validation', details: { issues: [{ path: 'password', rule: 'not_company' }] } },
        });
      }
      expect(await setup('a good long passphrase')).toMatchObject({ ok: true });
    } finally {
      await fresh.dispose();
    }
  });
});
