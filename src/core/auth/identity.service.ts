// Sign-in, first-run setup, sessions, passwords and 2FA for one's own account.
import type { AuthStatus } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { AuditService } from '../audit/audit.service';
import type { SecretBox } from '../crypto/secret-box';
import type { Executor } from '../db/executor';
import type { Clock, IdSource } from '../deps';
import type { Session } from '../session';
import type { TenantsService } from '../tenants/tenants.service';
import type { MailService } from '../mail/mail.service';
import { resetMail, verificationMail } from '../mail/templates';
import type { Codes } from './codes';
import { newUserRow, type IdentityRepo, type MembershipRow, type UserRow } from './identity.repo';
import { checkPasswordPolicy, type PasswordHasher } from './passwords';
import { resolveRole } from './roles';
import type { SecurityRules } from './security-settings';
import type { SessionManager } from './sessions';
import type { Snapshots } from './snapshots';
import {
  hashRecoveryCode,
  legacyRecoveryCodeHash,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  totpEnrolment,
} from './totp';

export const WRONG_CREDENTIALS = 'email or password is wrong';
const totpPurpose = (userId: string) => `totp:${userId}`;

export interface IdentityDeps {
  readonly db: Executor;
  readonly repo: IdentityRepo;
  readonly audit: AuditService;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly hasher: PasswordHasher;
  readonly secrets: SecretBox;
  readonly sessions: SessionManager;
  readonly rules: SecurityRules;
  readonly tenants: TenantsService;
  readonly codes: Codes;
  readonly mail: MailService;
  readonly snapshots: Snapshots;
}

const VERIFY_HOURS = 24;
const RESET_MINUTES = 30;
/** At most this many reset or verification mails per user in a quarter of an hour. */
const CODE_MAILS_PER_WINDOW = 3;
const CODE_WINDOW_MS = 15 * 60_000;

const wrongCredentials = () => new AppError('unauthenticated', WRONG_CREDENTIALS, { reason: 'wrong_credentials' });
const wrongCode = () =>
  new AppError('validation', 'the code is wrong, expired or used already', {
    reason: 'wrong_code',
    issues: [{ path: 'code', rule: 'code', message: 'The code is wrong, expired or used already' }],
  });

export type LoginResult = AuthStatus | { state: 'second_factor_required' };

export function createIdentityService(deps: IdentityDeps) {
  const { repo, audit, clock, ids, hasher, secrets, sessions, rules, tenants, codes, mail } = deps;
  const { snapshotFor } = deps.snapshots;
  const now = () => clock.now();
  const iso = () => now().toISOString();

  async function status(connection: string): Promise<AuthStatus> {
    const session = await sessions.get(connection, false);
    if (!session) return (await repo.countUsers()) === 0 ? { state: 'setup_required' } : { state: 'signed_out' };
    const user = await repo.user(session.userId);
    if (!user) return { state: 'signed_out' };
    const memberships = await repo.membershipsOf(user.id);
    const described = async (list: MembershipRow[]) =>
      Promise.all(
        list.map(async (m) => ({
          tenantId: m.tenantId,
          tenantName: m.tenantName,
          roleName: (await resolveRole(repo, m.tenantId, m.roleId))?.name ?? m.roleId,
        })),
      );
    const current = memberships.find((m) => m.tenantId === session.tenantId);
    return {
      state: 'signed_in',
      user: {
        id: user.id,
        email: user.email,
        name: user.name,
        emailVerified: user.emailVerifiedAt !== null,
        twoFactor: user.totpEnabledAt !== null,
      },
      tenant: current ? { id: current.tenantId, name: current.tenantName } : null,
      memberships: await described(memberships),
      invitations: await described(await repo.invitationsOf(user.id)),
      permissions: [...session.permissions],
      locked: session.locked,
      mustChangePassword: session.mustChangePassword,
      mustEnrollTwoFactor: session.mustEnrollTwoFactor,
      idleMinutes: rules.installation().idleMinutes,
    };
  }

  /** Records a failed attempt: backoff after the second, lockout after the configured number. */
  async function failAttempt(user: UserRow, reason: string): Promise<never> {
    const { maxFailedLogins, lockoutMinutes } = rules.installation();
    const failures = user.failedLogins + 1;
    if (failures >= maxFailedLogins) {
      const until = new Date(now().getTime() + lockoutMinutes * 60_000).toISOString();
      await repo.updateUser(user.id, { failedLogins: 0, nextLoginAt: null, lockedUntil: until });
      await audit.append({ action: 'auth.lockout', actorId: user.id, actor: user.email, details: { until, reason } });
      throw new AppError('locked', `locked until ${until}: too many failed sign-ins`, {
        reason: 'account_locked',
        lockedUntil: until,
      });
    }
    const delaySeconds = failures >= 2 ? Math.min(2 ** (failures - 2), 60) : 0;
    const next = delaySeconds > 0 ? new Date(now().getTime() + delaySeconds * 1000).toISOString() : null;
    await repo.updateUser(user.id, { failedLogins: failures, nextLoginAt: next });
    await audit.append({
      action: 'auth.login.failure',
      actorId: user.id,
      actor: user.email,
      details: { reason, failures },
    });
    throw reason === 'code'
      ? new AppError('unauthenticated', 'the code is wrong or was used already', { reason: 'wrong_code' })
      : wrongCredentials();
  }

  function refuseIfThrottled(user: UserRow): void {
    const t = now().getTime();
    if (user.lockedUntil !== null && Date.parse(user.lockedUntil) > t) {
      throw new AppError('locked', `locked until ${user.lockedUntil}: too many failed sign-ins`, {
        reason: 'account_locked',
        lockedUntil: user.lockedUntil,
      });
    }
    if (user.nextLoginAt !== null && Date.parse(user.nextLoginAt) > t) {
      const seconds = Math.ceil((Date.parse(user.nextLoginAt) - t) / 1000);
      throw new AppError('locked', `too many failed sign-ins: try again in ${seconds} s`, {
        reason: 'throttled',
        retryAfterSeconds: seconds,
      });
    }
  }

  /** The password, checked under the sign-in throttle: a wrong one counts as a failed sign-in. */
  async function checkPassword(user: UserRow, password: string): Promise<void> {
    refuseIfThrottled(user);
    if (!(await hasher.verify(user.passwordHash, password))) await failAttempt(user, 'password');
  }

  /** Checks a TOTP or recovery code; true when accepted (and then used up). */
  async function acceptSecondFactor(user: UserRow, code: string): Promise<boolean> {
    if (/^\d{6}$/.test(code)) {
      if (user.totpSecret === null) return false;
      const step = await matchTotp(secrets.open(totpPurpose(user.id), user.totpSecret), code, now(), user.totpLastStep);
      // The step is claimed in the database: a second sign-in with the same code that read the
      // user before this one wrote loses here.
      return step !== null && (await repo.claimTotpStep(user.id, step));
    }
    const used =
      (await repo.useRecoveryCode(user.id, hashRecoveryCode(secrets, user.id, code), iso())) ||
      (await repo.useRecoveryCode(user.id, legacyRecoveryCodeHash(code), iso()));
    if (used) await audit.append({ action: 'auth.recovery_code.used', actorId: user.id, actor: user.email });
    return used;
  }

  /** Password (and second factor) check shared by sign-in and unlock. */
  async function authenticate(
    user: UserRow,
    password: string,
    code: string | undefined,
  ): Promise<'ok' | 'second_factor_required'> {
    await checkPassword(user, password);
    if (!user.active) {
      await audit.append({
        action: 'auth.login.failure',
        actorId: user.id,
        actor: user.email,
        details: { reason: 'inactive' },
      });
      throw new AppError('forbidden', 'forbidden: this account is deactivated; ask an administrator', {
        reason: 'deactivated',
      });
    }
    if (user.totpEnabledAt !== null) {
      if (code === undefined) return 'second_factor_required';
      if (!(await acceptSecondFactor(user, code))) return failAttempt(user, 'code');
    }
    const changes: Partial<UserRow> = { failedLogins: 0, nextLoginAt: null, lockedUntil: null };
    if (hasher.needsRehash(user.passwordHash)) Object.assign(changes, { passwordHash: await hasher.hash(password) });
    await repo.updateUser(user.id, changes);
    return 'ok';
  }

  async function requireUser(session: Session): Promise<UserRow> {
    const user = await repo.user(session.userId);
    if (!user) throw new AppError('unauthenticated', 'not signed in');
    return user;
  }

  /**
   * The password asked again before something sensitive (2FA off, new recovery codes, the key
   * backup): throttled and counted like a sign-in, so an unlocked desk cannot be used to guess it.
   */
  async function confirmPassword(session: Session, password: string): Promise<UserRow> {
    const user = await requireUser(session);
    await checkPassword(user, password);
    if (user.failedLogins > 0 || user.nextLoginAt !== null) {
      await repo.updateUser(user.id, { failedLogins: 0, nextLoginAt: null });
    }
    return user;
  }

  async function companiesOf(userId: string): Promise<string[]> {
    return (await repo.membershipsOf(userId)).map((m) => m.tenantName);
  }

  /** Mails a verification code to the user's address (also used when an admin creates a user). */
  async function sendVerification(user: UserRow, tx?: Executor): Promise<void> {
    const code = await codes.issue(user.id, 'verify_email', VERIFY_HOURS * 3_600_000, tx);
    await mail.enqueue(user.email, verificationMail(user.name, code, VERIFY_HOURS), tx);
  }

  async function throttleCodeMails(user: UserRow, purpose: 'verify_email' | 'reset_password'): Promise<boolean> {
    return (await codes.recentCount(user.id, purpose, CODE_WINDOW_MS)) >= CODE_MAILS_PER_WINDOW;
  }

  return {
    status,
    confirmPassword,
    sendVerification,

    async requestVerification(session: Session): Promise<{ sent: true; mailServer: boolean }> {
      const user = await requireUser(session);
      if (user.emailVerifiedAt !== null)
        throw new AppError('conflict', 'your email address is confirmed already', { reason: 'email_confirmed' });
      if (await throttleCodeMails(user, 'verify_email')) {
        throw new AppError('locked', 'too many codes requested: wait a quarter of an hour and try again', {
          reason: 'too_many_codes',
        });
      }
      await sendVerification(user);
      return { sent: true, mailServer: (await mail.getSettings()).configured };
    },

    async verifyEmail(session: Session, code: string): Promise<{ verified: true }> {
      const user = await requireUser(session);
      if (!(await codes.consume(user.id, 'verify_email', code))) throw wrongCode();
      await repo.updateUser(user.id, { emailVerifiedAt: iso(), updatedAt: iso() });
      await audit.append({
        action: 'auth.email.verified',
        actorId: user.id,
        actor: user.email,
        tenantId: session.tenantId,
      });
      return { verified: true };
    },

    /** Answers the same whether or not the address is known, so it reveals no accounts. */
    async forgotPassword(email: string): Promise<{ requested: true }> {
      const user = await repo.userByEmail(email);
      if (!user || !user.active) {
        await audit.append({ action: 'auth.password.reset_requested', actor: email, details: { known: false } });
        return { requested: true };
      }
      if (await throttleCodeMails(user, 'reset_password')) {
        await audit.append({ action: 'auth.password.reset_throttled', actorId: user.id, actor: user.email });
        return { requested: true };
      }
      const code = await codes.issue(user.id, 'reset_password', RESET_MINUTES * 60_000);
      await mail.enqueue(user.email, resetMail(user.name, code, RESET_MINUTES));
      await audit.append({
        action: 'auth.password.reset_requested',
        actorId: user.id,
        actor: user.email,
        details: { known: true },
      });
      return { requested: true };
    },

    async resetPassword(input: { email: string; code: string; password: string }): Promise<{ reset: true }> {
      const user = await repo.userByEmail(input.email);
      if (!user || !user.active) throw wrongCode();
      // The code comes first: without it nobody learns whether the address has an account or
      // which companies its password must not name. The policy runs before the code is marked
      // used, so its holder can pick a better password with the same code.
      const companies = await companiesOf(user.id);
      const accepted = await codes.consume(user.id, 'reset_password', input.code, () =>
        checkPasswordPolicy(input.password, { email: user.email, companies }),
      );
      if (!accepted) throw wrongCode();
      const at = iso();
      await repo.updateUser(user.id, {
        passwordHash: await hasher.hash(input.password),
        passwordChangedAt: at,
        mustChangePassword: false,
        failedLogins: 0,
        nextLoginAt: null,
        lockedUntil: null,
        // The code came to this address, so the address works.
        emailVerifiedAt: user.emailVerifiedAt ?? at,
        updatedAt: at,
      });
      await sessions.closeUser(user.id);
      await audit.append({ action: 'auth.password.reset', actorId: user.id, actor: user.email });
      return { reset: true };
    },

    async setup(
      connection: string,
      input: { company: string; name: string; email: string; password: string },
    ): Promise<AuthStatus> {
      checkPasswordPolicy(input.password, { email: input.email, companies: [input.company] });
      if ((await repo.countUsers()) > 0)
        throw new AppError('conflict', 'Kontor is set up already; sign in instead', { reason: 'set_up_already' });
      const hash = await hasher.hash(input.password);
      // The company's store is made outside the transaction: creating a store migrates it in a
      // transaction of its own (PGlite has one connection, so nesting would wait forever).
      const tenant = await tenants.setup(input.company);
      const user = await deps.db.transaction(async (tx) => {
        // Checked inside the transaction: two first starts at once make one administrator.
        await tx.serialize('setup');
        if ((await repo.countUsers(tx)) > 0)
          throw new AppError('conflict', 'Kontor is set up already; sign in instead', { reason: 'set_up_already' });
        const at = iso();
        const row = newUserRow({
          id: ids.next(),
          email: input.email,
          name: input.name,
          passwordHash: hash,
          mustChangePassword: false,
          at,
          // The first administrator administers the installation too; others are made so by them.
          installationAdmin: true,
        });
        await repo.insertUser(row, tx);
        await repo.setMembership(row.id, tenant.id, 'administrator', at, tx);
        await audit.append(
          {
            action: 'setup.completed',
            actorId: row.id,
            actor: row.email,
            tenantId: tenant.id,
            details: { company: tenant.name },
          },
          tx,
        );
        return row;
      });
      await sessions.open(connection, await snapshotFor(user, null));
      return status(connection);
    },

    async login(
      connection: string,
      input: { email: string; password: string; code?: string | undefined },
    ): Promise<LoginResult> {
      const user = await repo.userByEmail(input.email);
      if (!user) {
        await hasher.dummyVerify(input.password);
        await audit.append({ action: 'auth.login.failure', actor: input.email, details: { reason: 'unknown_email' } });
        throw wrongCredentials();
      }
      if ((await authenticate(user, input.password, input.code)) === 'second_factor_required') {
        return { state: 'second_factor_required' };
      }
      const snapshot = await snapshotFor((await repo.user(user.id)) ?? user, null);
      await sessions.open(connection, snapshot);
      await audit.append({
        action: 'auth.login.success',
        actorId: user.id,
        actor: user.email,
        tenantId: snapshot.tenantId,
      });
      return status(connection);
    },

    async logout(connection: string, session: Session): Promise<AuthStatus> {
      await sessions.close(connection);
      await audit.append({
        action: 'auth.logout',
        actorId: session.userId,
        actor: session.email,
        tenantId: session.tenantId,
      });
      return status(connection);
    },

    async unlock(
      connection: string,
      session: Session,
      input: { password: string; code?: string | undefined },
    ): Promise<LoginResult> {
      const user = await requireUser(session);
      if ((await authenticate(user, input.password, input.code)) === 'second_factor_required') {
        return { state: 'second_factor_required' };
      }
      await sessions.unlock(connection);
      await audit.append({ action: 'auth.unlock', actorId: user.id, actor: user.email, tenantId: session.tenantId });
      return status(connection);
    },

    async changePassword(
      connection: string,
      session: Session,
      input: { current?: string | undefined; next: string },
    ): Promise<AuthStatus> {
      const user = await requireUser(session);
      // A session that must change its password was opened with it just now and can do nothing
      // else: it is not asked again. Any other change proves the current password.
      if (input.current !== undefined) await checkPassword(user, input.current);
      else if (!session.mustChangePassword) {
        throw new AppError('validation', 'the current password is required', {
          issues: [{ path: 'current', rule: 'required', message: 'Required' }],
        });
      }
      checkPasswordPolicy(input.next, { email: user.email, companies: await companiesOf(user.id) }, 'next');
      if (await hasher.verify(user.passwordHash, input.next)) {
        throw new AppError('validation', 'the new password must differ from the current one', {
          issues: [{ path: 'next', rule: 'not_same', message: 'The new password must differ from the current one' }],
        });
      }
      const at = iso();
      const passwordHash = await hasher.hash(input.next);
      await deps.db.transaction(async (tx) => {
        await repo.updateUser(
          user.id,
          { passwordHash, passwordChangedAt: at, mustChangePassword: false, updatedAt: at },
          tx,
        );
        const changed = { action: 'auth.password.changed', actorId: user.id, actor: user.email };
        await audit.append(
          { ...changed, tenantId: session.tenantId, details: { forced: input.current === undefined } },
          tx,
        );
      });
      // Every other session of this user ends; this one carries on with the new stamp.
      await sessions.closeUser(user.id, connection);
      await sessions.update(connection, await snapshotFor((await repo.user(user.id)) ?? user, session.tenantId));
      return status(connection);
    },

    async switchTenant(connection: string, session: Session, tenantId: string): Promise<AuthStatus> {
      const user = await requireUser(session);
      const memberships = await repo.membershipsOf(user.id);
      if (!memberships.some((m) => m.tenantId === tenantId)) {
        throw new AppError('forbidden', 'forbidden: you are not a member of that company', { reason: 'not_member' });
      }
      await sessions.update(connection, await snapshotFor(user, tenantId));
      await audit.append({
        action: 'auth.tenant.switched',
        actorId: user.id,
        actor: user.email,
        tenantId,
        details: { from: session.tenantId },
      });
      return status(connection);
    },

    /** Accepting makes the user a member (their session can then switch there); declining drops the invitation. */
    async answerInvitation(connection: string, session: Session, tenantId: string, accept: boolean) {
      const user = await requireUser(session);
      if (!(await repo.answerInvitation(user.id, tenantId, accept))) {
        throw new AppError('not_found', 'there is no open invitation into that company', { reason: 'no_invitation' });
      }
      await audit.append({
        action: accept ? 'users.invitation.accepted' : 'users.invitation.declined',
        actorId: user.id,
        actor: user.email,
        tenantId,
      });
      await sessions.update(connection, await snapshotFor(user, session.tenantId));
      return status(connection);
    },

    async totpBegin(session: Session) {
      const user = await requireUser(session);
      if (user.totpEnabledAt !== null)
        throw new AppError('conflict', '2FA is already on; switch it off first to enrol again', {
          reason: 'two_factor_on',
        });
      const secret = newTotpSecret();
      await repo.updateUser(user.id, { totpSecret: secrets.seal(totpPurpose(user.id), secret), totpLastStep: null });
      return { secret, ...(await totpEnrolment(secret, user.email)) };
    },

    async totpConfirm(connection: string, session: Session, code: string) {
      const user = await requireUser(session);
      if (user.totpEnabledAt !== null) throw new AppError('conflict', '2FA is already on', { reason: 'two_factor_on' });
      if (user.totpSecret === null)
        throw new AppError('conflict', 'start the enrolment first', { reason: 'enrolment_not_started' });
      const step = await matchTotp(secrets.open(totpPurpose(user.id), user.totpSecret), code, now(), null);
      if (step === null) {
        throw new AppError(
          'validation',
          'the code does not match; check the time on your phone and try the next code',
          {
            issues: [{ path: 'code', rule: 'totp', message: 'The code does not match' }],
          },
        );
      }
      const codes = newRecoveryCodes();
      await deps.db.transaction(async (tx) => {
        await repo.updateUser(user.id, { totpEnabledAt: iso(), totpLastStep: step }, tx);
        await repo.replaceRecoveryCodes(
          user.id,
          codes.map((c) => hashRecoveryCode(secrets, user.id, c)),
          tx,
        );
        await audit.append(
          { action: 'auth.2fa.enabled', actorId: user.id, actor: user.email, tenantId: session.tenantId },
          tx,
        );
      });
      await sessions.update(connection, await snapshotFor((await repo.user(user.id)) ?? user, session.tenantId));
      return { recoveryCodes: codes };
    },

    async totpDisable(connection: string, session: Session, password: string): Promise<AuthStatus> {
      const user = await confirmPassword(session, password);
      if (await rules.requireTwoFactor(session.tenantId)) {
        throw new AppError('forbidden', 'forbidden: this company requires 2FA for every member', {
          reason: 'two_factor_required_by_company',
        });
      }
      await deps.db.transaction(async (tx) => {
        await repo.updateUser(user.id, { totpSecret: null, totpEnabledAt: null, totpLastStep: null }, tx);
        await repo.replaceRecoveryCodes(user.id, [], tx);
        await audit.append(
          { action: 'auth.2fa.disabled', actorId: user.id, actor: user.email, tenantId: session.tenantId },
          tx,
        );
      });
      await sessions.update(connection, await snapshotFor((await repo.user(user.id)) ?? user, session.tenantId));
      return status(connection);
    },

    async regenerateRecoveryCodes(session: Session, password: string) {
      const user = await confirmPassword(session, password);
      if (user.totpEnabledAt === null)
        throw new AppError('conflict', 'recovery codes need 2FA to be on', { reason: 'two_factor_off' });
      const codes = newRecoveryCodes();
      await repo.replaceRecoveryCodes(
        user.id,
        codes.map((c) => hashRecoveryCode(secrets, user.id, c)),
      );
      await audit.append({ action: 'auth.2fa.recovery_codes_replaced', actorId: user.id, actor: user.email });
      return { recoveryCodes: codes };
    },
  };
}

export type IdentityService = ReturnType<typeof createIdentityService>;
