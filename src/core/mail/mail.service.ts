// Mail goes through an outbox: every message is stored first and sent by a worker, with retries
// and growing pauses, so a failing SMTP server loses nothing. Admins see what waits and what failed.
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { smtpSecurities, type OutboxItem, type SmtpSettings } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { SecretBox } from '../crypto/secret-box';
import type { Executor } from '../db/executor';
import type { Clock, IdSource } from '../deps';
import type { AuditActor, AuditService } from '../audit/audit.service';
import { NO_SERVER } from '../../shared/mail-errors';
import type { SettingsStore } from '../settings/settings.store';
import { isLocalHost } from '../net/local-host';
import type { Logger } from '../router';
import { createOutboxRepo, type OutboxRow } from './outbox.repo';
import type { MailContent } from './templates';
import { testMail } from './templates';

/** After this many failed attempts a message is marked failed (an admin can retry it). */
export const MAX_ATTEMPTS = 8;
/** The reason an unsent message gives once its code expired. */
const EXPIRED = 'expired before it could be sent; its text was deleted';
/** Messages stored before expiry existed hold codes valid for a day at most. */
const LEGACY_VALIDITY_MS = 24 * 3_600_000;
/** 1, 2, 4 … minutes between attempts, at most an hour. */
export const retryDelayMs = (attempts: number) => Math.min(60_000 * 2 ** (attempts - 1), 3_600_000);

const storedSchema = z.object({
  host: z.string(),
  port: z.number().int(),
  security: z.enum(smtpSecurities),
  user: z.string(),
  password: z.string().nullable(),
  from: z.string(),
  allowSelfSigned: z.boolean(),
});
type Stored = z.infer<typeof storedSchema>;

const SMTP_KEY = 'smtp';
const PASSWORD_PURPOSE = 'smtp-password';

export interface MailDeps {
  readonly db: Executor;
  /** The installation's settings (the SMTP server is set up once for every company). */
  readonly settings: SettingsStore;
  readonly audit: AuditService;
  readonly secrets: SecretBox;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly logger: Logger;
}

export function createMailService({ db, settings, audit, secrets, clock, ids, logger }: MailDeps) {
  const outbox = createOutboxRepo(db);
  const iso = () => clock.now().toISOString();
  let processing: Promise<{ sent: number; failed: number }> | null = null;
  let timer: NodeJS.Timeout | null = null;

  async function stored(): Promise<Stored | null> {
    return (await settings.get(SMTP_KEY, storedSchema)) ?? null;
  }

  function view(s: Stored | null): SmtpSettings {
    return {
      host: s?.host ?? '',
      port: s?.port ?? 587,
      security: s?.security ?? 'starttls',
      user: s?.user ?? '',
      hasPassword: s?.password != null,
      from: s?.from ?? '',
      allowSelfSigned: s?.allowSelfSigned ?? false,
      configured: s !== null,
    };
  }

  function transport(s: Stored) {
    return nodemailer.createTransport({
      host: s.host,
      port: s.port,
      secure: s.security === 'tls',
      requireTLS: s.security === 'starttls',
      ignoreTLS: s.security === 'none',
      ...(s.user ? { auth: { user: s.user, pass: s.password ? secrets.open(PASSWORD_PURPOSE, s.password) : '' } } : {}),
      tls: { rejectUnauthorized: !s.allowSelfSigned },
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
    });
  }

  // Bodies hold one-time codes: sealed under the installation's secrets key, bound to the message,
  // and deleted once sent or expired, so a copy of the database or the outbox list shows none.
  const bodyPurpose = (id: string) => `mail:${id}`;
  const SEALED = 'v1:';

  function body(row: OutboxRow): string {
    // Bodies from before sealing (sealStoredBodies below seals them at the next start).
    return row.body.startsWith(SEALED) ? secrets.open(bodyPurpose(row.item.id), row.body) : row.body;
  }

  /** One try; `oneShot` (test mails) fails at once instead of waiting for a retry. */
  async function attempt(item: OutboxItem, text: string, s: Stored | null, oneShot = false): Promise<OutboxItem> {
    const attempts = item.attempts + 1;
    try {
      if (!s) throw Object.assign(new Error('no SMTP server is set up (Admin → Email)'), { code: NO_SERVER });
      await transport(s).sendMail({ from: s.from, to: item.to, subject: item.subject, text });
      const sentAt = iso();
      await outbox.markSent(item.id, attempts, sentAt);
      return { ...item, status: 'sent', attempts, lastError: null, sentAt };
    } catch (error) {
      // Stored as "<code>: <message>": the code says which sentence people read (shared/mail-errors).
      // nodemailer keeps the system's own code (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT …) as originalCode.
      const { code, originalCode } = error as { code?: unknown; originalCode?: unknown };
      const known = typeof originalCode === 'string' ? originalCode : typeof code === 'string' ? code : 'ERROR';
      const message = `${known}: ${(error as Error).message}`.slice(0, 500);
      const status = oneShot || attempts >= MAX_ATTEMPTS ? 'failed' : 'pending';
      const next = new Date(clock.now().getTime() + retryDelayMs(attempts)).toISOString();
      await outbox.markFailedAttempt(item.id, { status, attempts, nextAttemptAt: next, error: message });
      // Addresses stay out of the log: the message id finds them in the outbox.
      logger.warn('mail not sent', { message: item.id, attempts, error: message });
      return { ...item, status, attempts, nextAttemptAt: next, lastError: message };
    }
  }

  /** Writes a pending message to the outbox; the one place messages enter it. */
  async function store(to: string, content: MailContent, tx: Executor): Promise<string> {
    const id = ids.next();
    const now = clock.now();
    const at = now.toISOString();
    const expires = new Date(now.getTime() + content.validForMs).toISOString();
    const sealed = secrets.seal(bodyPurpose(id), content.text);
    await outbox.insert({ id, to, subject: content.subject, body: sealed, at, expiresAt: expires }, tx);
    return id;
  }

  /** Deletes the bodies of messages whose code expired; unsent ones fail with the reason. */
  async function expire(): Promise<void> {
    await outbox.expire(iso(), EXPIRED);
  }

  async function processOnce(): Promise<{ sent: number; failed: number }> {
    await expire();
    const settings = await stored();
    // Without a server, mail waits in the outbox instead of using up its attempts.
    if (!settings) return { sent: 0, failed: 0 };
    const due = await outbox.due(iso(), 50);
    let sent = 0;
    let failed = 0;
    for (const row of due) {
      const result = await attempt(row.item, body(row), settings);
      if (result.status === 'sent') sent += 1;
      else failed += 1;
    }
    return { sent, failed };
  }

  const service = {
    async getSettings(): Promise<SmtpSettings> {
      return view(await stored());
    },

    /** Stores the SMTP server and its audit entry in one transaction. */
    async setSettings(
      input: Omit<Stored, 'password'> & { password?: string | undefined },
      by: AuditActor,
    ): Promise<SmtpSettings> {
      const current = await stored();
      const keepsPassword = input.password === undefined ? (current?.password ?? null) !== null : input.password !== '';
      // A password sent in plain text can be read on every network it crosses: only to this machine.
      if (input.security === 'none' && keepsPassword && !isLocalHost(input.host)) {
        throw new AppError(
          'validation',
          'an SMTP password is sent only over an encrypted connection: choose STARTTLS or TLS, or remove the password',
          { issues: [{ path: 'security', rule: 'encrypted_for_password', message: 'Choose STARTTLS or TLS' }] },
        );
      }
      const password =
        input.password === undefined
          ? (current?.password ?? null)
          : input.password === ''
            ? null
            : secrets.seal(PASSWORD_PURPOSE, input.password);
      const next: Stored = {
        host: input.host,
        port: input.port,
        security: input.security,
        user: input.user,
        password,
        from: input.from,
        allowSelfSigned: input.allowSelfSigned,
      };
      return audit.record(async (tx) => {
        await settings.set(SMTP_KEY, next, tx);
        const details = {
          host: input.host,
          port: input.port,
          security: input.security,
          passwordChanged: input.password !== undefined,
        };
        return { value: view(next), entry: { ...by, action: 'settings.smtp.changed', details } };
      });
    },

    /** Stores a message for sending; inside `tx` it is sent only if the transaction commits. */
    async enqueue(to: string, content: MailContent, tx: Executor = db): Promise<string> {
      const id = await store(to, content, tx);
      service.kick();
      return id;
    },

    /** Sends what is due; one run at a time. */
    processDue(): Promise<{ sent: number; failed: number }> {
      processing ??= processOnce().finally(() => {
        processing = null;
      });
      return processing;
    },

    async sendTest(to: string): Promise<{ sent: boolean; error: string | null }> {
      const content = testMail();
      const id = await store(to, content, db);
      const row = await outbox.get(id);
      if (!row) throw new AppError('internal', 'the test message was not stored');
      const result = await attempt(row.item, content.text, await stored(), true);
      return { sent: result.status === 'sent', error: result.lastError };
    },

    async list(filter: { status?: OutboxItem['status'] | undefined; limit: number }): Promise<OutboxItem[]> {
      return (await outbox.list(filter)).map((row) => row.item);
    },

    async retry(id: string): Promise<OutboxItem> {
      const row = await outbox.get(id);
      if (!row) throw new AppError('not_found', `no message ${id} in the outbox`, { reason: 'no_message' });
      const { item } = row;
      if (item.status === 'sent')
        throw new AppError('conflict', 'this message was sent already', { reason: 'message_sent' });
      if (row.body === '') {
        throw new AppError('conflict', 'this message expired and its text was deleted; the user requests a new code', {
          reason: 'message_expired',
        });
      }
      return attempt({ ...item, attempts: 0 }, body(row), await stored());
    },

    /** Removes a message that was not sent (failed, or waiting), with its audit entry. */
    async remove(id: string, by: AuditActor): Promise<{ removed: true }> {
      return audit.record(async (tx) => {
        const row = await outbox.get(id, tx);
        if (!row) throw new AppError('not_found', `no message ${id} in the outbox`, { reason: 'no_message' });
        const { item } = row;
        if (item.status === 'sent') {
          throw new AppError('conflict', 'this message was sent already', { reason: 'message_sent' });
        }
        await outbox.remove(id, tx);
        const details = { status: item.status, attempts: item.attempts, subject: item.subject };
        return { value: { removed: true as const }, entry: { ...by, action: 'mail.removed', target: id, details } };
      });
    },

    /**
     * Once per start: seals bodies stored in plain text before sealing existed, deletes those of
     * sent messages, and expires the rest like new ones (a day after they were made).
     */
    async sealStoredBodies(): Promise<void> {
      await outbox.clearSentBodies();
      for (const row of await outbox.plainBodies(SEALED)) {
        const { id, createdAt } = row.item;
        const expires = row.expiresAt ?? new Date(Date.parse(createdAt) + LEGACY_VALIDITY_MS).toISOString();
        await outbox.replaceBody(id, secrets.seal(bodyPurpose(id), row.body), expires);
      }
      await expire();
    },

    /** Long-running processes send in the background; the CLI calls processDue itself. */
    startWorker(intervalMs = 15_000): void {
      if (timer) return;
      timer = setInterval(() => void service.processDue().catch(() => undefined), intervalMs);
      timer.unref();
    },
    /** Sends soon after an enqueue, when a worker runs. */
    kick(): void {
      if (timer) setTimeout(() => void service.processDue().catch(() => undefined), 0).unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await processing;
    },
  };
  return service;
}

export type MailService = ReturnType<typeof createMailService>;
