// The composition root: stores → services → handlers → router. Every process that runs Kontor
// (Electron main, web host, CLI, tests, bench) builds it here, so all of them behave the same.
import { INSTALLATION_ADMIN, type DatabaseChoice, type KeyStoreKind } from '../shared/contract';
import { AppError } from '../shared/errors';
import { join } from 'node:path';
import { AUDIT_HEAD_FILE, auditChainKey, createAuditService, type AuditService } from './audit/audit.service';
import { createIdentityRepo } from './auth/identity.repo';
import { createIdentityService, type IdentityService } from './auth/identity.service';
import { createPasswordHasher, type PasswordParams } from './auth/passwords';
import { createSecurityRules } from './auth/security-settings';
import { createSessionManager, type SessionManager } from './auth/sessions';
import { createUsersService } from './auth/users.service';
import { companiesGranting } from './auth/roles';
import { createCodes } from './auth/codes';
import { createSecretBox } from './crypto/secret-box';
import { createMailService, type MailService } from './mail/mail.service';
import { applyCustomerEvents, readableChanges, subjectOfStream } from './customers/customers.events';
import { customerHistory } from './customers/customers.history';
import { createCustomersRepo } from './customers/customers.repo.sql';
import { createCustomersService, type CustomersService } from './customers/customers.service';
import { sealPlainCustomerEvents } from './customers/customers.upgrade';
import { createKeyring, type Keyring } from './crypto/keyring';
import { createGdprService, type GdprService } from './gdpr/gdpr.service';
import { exportKeyBackup } from './keys/key-backup';
import type { Executor } from './db/executor';
import {
  createEventStore,
  installationDevice,
  type EventMeta,
  type EventStore,
  type StoredEvent,
} from './events/event-store';
import { createHlc } from './events/hlc';
import { z } from 'zod';
import { replay, type Projection } from './events/replay';
import { maskUrl, type PgConnection } from './db/postgres';
import { openPgStores } from './db/pg-stores';
import { openSqliteStores } from './db/sqlite-stores';
import type { Stores } from './db/stores';
import { systemClock, uuidv7Source, type Clock, type IdSource } from './deps';
import { keyNames, type KeyStore } from './keys/keystore';
import { createRouter, type Handlers, type Logger, type Router } from './router';
import type { Session, SessionResolver } from './session';
import { pgClientConfig } from './db/pg-config';
import { readSettingsFile, storedDatabase, writeSettingsFile } from './settings/settings.file';
import { createTenantsService, type TenantsService } from './tenants/tenants.service';

export type DatabaseTarget =
  | { readonly kind: 'sqlite' }
  | {
      readonly kind: 'postgres';
      readonly connection: PgConnection;
      readonly schemaPrefix?: string;
      readonly ownsConnection?: boolean;
    };

export interface KontorOptions {
  readonly dataDir: string;
  readonly migrationsDir: string;
  readonly database: DatabaseTarget;
  /** Holds the database keys (SQLite) and the key that encrypts secrets such as TOTP seeds. */
  readonly keyStore: KeyStore;
  /** The settings file `settings.*` procedures read and write. */
  readonly settingsFile: string;
  readonly version: string;
  readonly clock?: Clock;
  readonly ids?: IdSource;
  readonly logger?: Logger;
  readonly passwordParams?: PasswordParams;
}

export interface Kontor {
  readonly router: Router;
  readonly stores: Stores;
  readonly tenants: TenantsService;
  readonly identity: IdentityService;
  readonly sessions: SessionManager;
  readonly audit: AuditService;
  readonly mail: MailService;
  close(): Promise<void>;
}

/** Mail addresses never reach the log, wherever they appear (a driver's or a server's message). */
export function redactAddresses(text: string): string {
  return text.replace(/[^\s@<>"'(),;:]+@[^\s@<>"'(),;:]+\.[a-z]{2,}/gi, '[address]');
}

const logLine = (message: string, fields?: Record<string, unknown>) =>
  redactAddresses(`[kontor] ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);

export const consoleLogger: Logger = {
  error: (message, fields) => console.error(logLine(message, fields)),
  warn: (message, fields) => console.warn(logLine(message, fields)),
};

function describeChoice(choice: DatabaseChoice): DatabaseChoice {
  return choice.kind === 'postgres' ? { kind: 'postgres', url: maskUrl(choice.url) } : choice;
}

/** System setting: how far this device's hybrid logical clock may go before it stores a new limit. */
const HLC_RESERVATION = 'hlc.reservation';

function tenantOf(session: Session): string {
  if (session.tenantId === null) throw new AppError('not_found', 'you are not a member of any company yet');
  return session.tenantId;
}

export async function openKontor(options: KontorOptions): Promise<Kontor> {
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? uuidv7Source(clock);
  const logger = options.logger ?? consoleLogger;
  const { database } = options;

  const stores =
    database.kind === 'sqlite'
      ? await openSqliteStores({
          dataDir: options.dataDir,
          keyStore: options.keyStore,
          migrationsDir: options.migrationsDir,
        })
      : await openPgStores({
          connection: database.connection,
          migrationsDir: options.migrationsDir,
          ...(database.schemaPrefix !== undefined && { schemaPrefix: database.schemaPrefix }),
          ...(database.ownsConnection !== undefined && { ownsConnection: database.ownsConnection }),
        });
  const keyStoreKind: KeyStoreKind = options.keyStore.kind;
  const db = stores.system.sql;

  const tenants = createTenantsService({ stores, clock, ids });
  const repo = createIdentityRepo(db);
  const chainKey = await auditChainKey(options.keyStore, db).catch(async (error: unknown) => {
    await stores.close();
    throw error;
  });
  const audit = createAuditService({
    db,
    clock,
    logger,
    chain: {
      key: chainKey,
      headFile: join(options.dataDir, AUDIT_HEAD_FILE),
    },
  });
  await audit.start();
  const rules = createSecurityRules(repo);
  await rules.load();
  const secrets = createSecretBox(await options.keyStore.getOrCreateKey(keyNames.systemSecrets));
  const fieldMaster = await options.keyStore.getOrCreateKey(keyNames.fieldMaster);
  const hasher = createPasswordHasher(options.passwordParams);
  // The session manager asks the identity service whether a session still holds (called only
  // later, on calls, when both exist).
  const sessions = createSessionManager({
    clock,
    timeouts: () => rules.installation(),
    revalidate: (session) => auth.revalidate(session),
  });
  const mail = createMailService({ db, repo, secrets, clock, ids, logger });
  await mail.sealStoredBodies();
  const codes = createCodes({ repo, secrets, clock, ids });
  const auth: IdentityService = createIdentityService({
    db,
    repo,
    audit,
    clock,
    ids,
    hasher,
    secrets,
    sessions,
    rules,
    tenants,
    codes,
    mail,
  });
  const users = createUsersService({
    db,
    repo,
    audit,
    clock,
    ids,
    hasher,
    sessions,
    tenants,
    sendVerification: auth.sendVerification,
  });
  // Every event records the device it was made on, ready for sync.
  const deviceId = await installationDevice(repo, ids);
  // The clock's reservation survives a restart, so this device never issues a timestamp twice or
  // out of order, even when the wall clock is set back.
  const reservedHlc = z.object({ ms: z.number().int() }).safeParse(await repo.setting(HLC_RESERVATION));
  const hlc = createHlc(clock, deviceId, {
    ...(reservedHlc.success && { reservedUntil: reservedHlc.data.ms }),
    reserve: (ms) => repo.setSetting(HLC_RESERVATION, { ms }),
  });
  const commandMeta = async (session: Session): Promise<EventMeta> => ({
    userId: session.userId,
    deviceId,
    hlc: await hlc.now(),
    correlationId: ids.next(),
    causationId: null,
    at: clock.now().toISOString(),
  });

  interface TenantServices {
    readonly customers: CustomersService;
    readonly events: EventStore;
    readonly projections: readonly Projection[];
    readonly keyring: Keyring;
    readonly gdpr: GdprService;
    readonly sql: Executor;
  }
  const tenantServices = new Map<string, Promise<TenantServices>>();

  async function openTenantServices(tenantId: string): Promise<TenantServices> {
    const store = await stores.tenant(tenantId);
    const keyring = createKeyring({ db: store.sql, tenantId, master: fieldMaster, clock, ids });
    await keyring.ready();
    const customerRepo = createCustomersRepo(store.sql, keyring);
    const events = createEventStore({ db: store.sql, ids });
    const customers = createCustomersService({ db: store.sql, repo: customerRepo, events, keyring, ids });
    const projections: Projection[] = [
      {
        prefix: 'customer.',
        clear: (tx) => customerRepo.clear(tx),
        applyPage: (page, tx) => applyCustomerEvents(customerRepo, keyring, page, tx),
      },
    ];
    // Stores from before field encryption: seal their events, once (the search reads the whole
    // log, so it is not repeated at every start); Postgres projections then hold plain text, so
    // they are rebuilt sealed.
    const sealedMark = `events.sealed.tenant.${tenantId}`;
    if ((await repo.setting(sealedMark)) === undefined) {
      if ((await sealPlainCustomerEvents(store.sql, keyring)) > 0 && stores.dialect === 'postgres') {
        await replay({ db: store.sql, events, projections });
      }
      await repo.setSetting(sealedMark, { at: clock.now().toISOString() });
    }
    const gdpr = createGdprService({
      tenantId,
      customers,
      repo: customerRepo,
      events,
      keyring,
      audit,
      identity: repo,
      userName,
      clock,
      compact: () => store.compact(),
    });
    return { customers, events, projections, keyring, gdpr, sql: store.sql };
  }

  function servicesOf(session: Session): Promise<TenantServices> {
    const tenantId = tenantOf(session);
    let services = tenantServices.get(tenantId);
    if (!services) {
      services = openTenantServices(tenantId);
      // A failed open (wrong master key, say) is tried again on the next call.
      services.catch(() => tenantServices.delete(tenantId));
      tenantServices.set(tenantId, services);
    }
    return services;
  }
  const customersOf = async (session: Session) => (await servicesOf(session)).customers;
  const actorOf = (session: Session) => ({ userId: session.userId, email: session.email });
  const userName = async (userId: string) => (await repo.user(userId))?.name ?? null;

  /** An event as a reader sees it: personal fields decrypted, or the marker once erased. */
  async function readable(events: readonly StoredEvent[], keyring: Keyring) {
    const keys = await keyring.dataKeys(
      events.filter((e) => e.type.startsWith('customer.')).map((e) => subjectOfStream(e.stream)),
    );
    return events.map((e) =>
      e.type.startsWith('customer.')
        ? { ...e, data: readableChanges(e, keys.get(subjectOfStream(e.stream)) ?? null) }
        : e,
    );
  }

  /** tenants.* act only on companies the caller administers (an installation administrator: all). */
  async function requireAdministers(session: Session, tenantId: string): Promise<void> {
    if (session.permissions.has(INSTALLATION_ADMIN)) return;
    if (!(await companiesGranting(repo, session.userId, 'tenants.manage')).has(tenantId)) {
      throw new AppError('forbidden', 'forbidden: you do not administer that company', {
        reason: 'other_company',
        target: tenantId,
      });
    }
  }

  const resolver: SessionResolver = {
    resolve: (meta, touch) => (meta.connection ? sessions.get(meta.connection, touch) : Promise.resolve(null)),
  };

  function databaseSettings() {
    const configured = readSettingsFile(options.settingsFile).database;
    return {
      active: stores.dialect,
      configured: describeChoice(
        configured.kind === 'postgres' ? { kind: 'postgres', url: configured.url } : configured,
      ),
      restartRequired: configured.kind !== stores.dialect,
    };
  }

  const handlers: Handlers = {
    'customers.create': async (input, ctx) =>
      (await customersOf(ctx.session)).create(input, await commandMeta(ctx.session)),
    'customers.get': async (input, ctx) => (await customersOf(ctx.session)).get(input.id),
    'customers.update': async (input, ctx) =>
      (await customersOf(ctx.session)).update(
        input.id,
        input.changes,
        await commandMeta(ctx.session),
        input.expectedVersion,
      ),
    'customers.list': async (input, ctx) => (await customersOf(ctx.session)).list(input),
    'customers.history': async (input, ctx) => {
      const { customers, events, keyring } = await servicesOf(ctx.session);
      await customers.get(input.id);
      return customerHistory(input.id, { events, keyring, userName });
    },
    'events.list': async (input, ctx) => {
      const { events, keyring } = await servicesOf(ctx.session);
      const page = input.stream
        ? (await events.readStream(input.stream)).filter((e) => e.position > input.afterPosition).slice(0, input.limit)
        : await events.readAll(input.afterPosition, input.limit);
      return readable(page, keyring);
    },
    'gdpr.export': async (input, ctx) =>
      (await servicesOf(ctx.session)).gdpr.export(input.customerId, actorOf(ctx.session), {
        signal: ctx.signal,
        onProgress: (done, total, message) => ctx.progress({ done, total, message }),
      }),
    'gdpr.erase': async (input, ctx) =>
      (await servicesOf(ctx.session)).gdpr.erase(
        input.customerId,
        actorOf(ctx.session),
        await commandMeta(ctx.session),
      ),
    'retention.get': async (_input, ctx) => (await servicesOf(ctx.session)).gdpr.rule(),
    'retention.set': async (input, ctx) => (await servicesOf(ctx.session)).gdpr.setRule(input, actorOf(ctx.session)),
    'retention.run': async (input, ctx) =>
      (await servicesOf(ctx.session)).gdpr.runRetention(
        input.apply,
        actorOf(ctx.session),
        () => commandMeta(ctx.session),
        {
          signal: ctx.signal,
          onProgress: (done, total, message) => ctx.progress({ done, total, message }),
        },
      ),
    'keys.status': async (_input, ctx) => ({
      ...(await (await servicesOf(ctx.session)).keyring.status()),
      keyStore: keyStoreKind,
    }),
    'keys.rotate': async (_input, ctx) => {
      const { keyring } = await servicesOf(ctx.session);
      const result = await keyring.rotate((done, total) => ctx.progress({ done, total, message: 'keys' }));
      await audit.append({
        action: 'keys.rotated',
        actorId: ctx.session.userId,
        actor: ctx.session.email,
        tenantId: ctx.session.tenantId,
        details: result,
      });
      return result;
    },
    'keys.exportBackup': async (input, ctx) => {
      // The keys open every company of the installation: only an installation administrator
      // (the router checks) may take them away, after giving the password again.
      await auth.confirmPassword(ctx.session, input.password);
      const all = await tenants.list();
      const names: string[] = [
        keyNames.systemDatabase,
        keyNames.systemSecrets,
        keyNames.fieldMaster,
        keyNames.auditChain,
      ];
      for (const tenant of all) names.push(keyNames.tenantDatabase(tenant.id));
      const content = await exportKeyBackup(options.keyStore, names, input.passphrase, clock.now());
      const held = (JSON.parse(content) as { names: string[] }).names;
      await audit.append({
        action: 'keys.exported',
        actorId: ctx.session.userId,
        actor: ctx.session.email,
        details: { names: held },
      });
      return { fileName: `kontor-keys-${clock.now().toISOString().slice(0, 10)}.json`, content, names: held };
    },
    'events.replay': async (_input, ctx) => {
      const { events, projections, sql: tenantSql } = await servicesOf(ctx.session);
      const started = Date.now();
      const count = await replay({
        db: tenantSql,
        events,
        projections,
        signal: ctx.signal,
        onProgress: (done) => ctx.progress({ done, total: null, message: 'events' }),
      });
      await audit.append({
        action: 'events.replayed',
        actorId: ctx.session.userId,
        actor: ctx.session.email,
        tenantId: ctx.session.tenantId,
        details: { events: count },
      });
      return { events: count, milliseconds: Date.now() - started };
    },
    'system.ping': async () => ({ pong: true as const }),
    'system.check': async () => ({ pong: true as const }),
    'app.info': async () => ({ version: options.version, database: stores.dialect, keyStore: keyStoreKind }),
    'app.status': async () => ({ state: 'ready' as const }),
    'app.unlock': async () => ({ state: 'ready' as const }),
    'app.importKeys': async () => {
      throw new AppError(
        'conflict',
        'the data is open already; a key backup is imported on a new machine before its first start',
      );
    },
    'settings.getDatabase': async () => databaseSettings(),
    'settings.setDatabase': async (input, ctx) => {
      // Checked now (sslmode, files it names), so a bad address is a field error, not a failed start.
      if (input.kind === 'postgres') pgClientConfig(input.url);
      const current = readSettingsFile(options.settingsFile);
      writeSettingsFile(options.settingsFile, { ...current, database: storedDatabase(input, secrets.seal) });
      await audit.append({
        action: 'settings.database.changed',
        actorId: ctx.session.userId,
        actor: ctx.session.email,
        details: { kind: input.kind },
      });
      const settings = databaseSettings();
      // A changed URL to the same dialect also needs a restart.
      return { ...settings, restartRequired: settings.restartRequired || input.kind === 'postgres' };
    },
    'tenants.setup': async (input, ctx) => {
      const tenant = await tenants.setup(input.name);
      // Whoever creates a company administers it; an existing member keeps the role they have.
      if (!(await repo.membershipsOf(ctx.session.userId)).some((m) => m.tenantId === tenant.id)) {
        await repo.setMembership(ctx.session.userId, tenant.id, 'administrator', clock.now().toISOString());
        await audit.append({
          action: 'tenants.created',
          actorId: ctx.session.userId,
          actor: ctx.session.email,
          tenantId: tenant.id,
          details: { name: tenant.name },
        });
        await sessions.refreshUser(ctx.session.userId);
      }
      return tenant;
    },
    'tenants.list': async (_input, ctx) => {
      const all = await tenants.list();
      if (ctx.session.permissions.has(INSTALLATION_ADMIN)) return all;
      const mine = await companiesGranting(repo, ctx.session.userId, 'tenants.manage');
      return all.filter((t) => mine.has(t.id));
    },
    'tenants.rename': async (input, ctx) => {
      await requireAdministers(ctx.session, input.id);
      const tenant = await tenants.rename(input.id, input.name);
      await audit.append({
        action: 'tenants.renamed',
        actorId: ctx.session.userId,
        actor: ctx.session.email,
        tenantId: tenant.id,
        details: { name: tenant.name },
      });
      return tenant;
    },
    'tenants.archive': async (input, ctx) => {
      await requireAdministers(ctx.session, input.id);
      if (input.archived && input.id === ctx.session.tenantId) {
        throw new AppError('conflict', 'you are working in this company; switch to another one before archiving it');
      }
      const tenant = await tenants.setArchived(input.id, input.archived);
      await audit.append({
        action: input.archived ? 'tenants.archived' : 'tenants.restored',
        actorId: ctx.session.userId,
        actor: ctx.session.email,
        tenantId: tenant.id,
      });
      // Members working in it move on at their next call, not in half a minute.
      for (const member of await repo.membersOf(tenant.id)) await sessions.refreshUser(member.id);
      return tenant;
    },

    'auth.status': async (_input, ctx) => auth.status(ctx.connection),
    'auth.setup': async (input, ctx) => auth.setup(ctx.connection, input),
    'auth.login': async (input, ctx) => auth.login(ctx.connection, input),
    'auth.logout': async (_input, ctx) => auth.logout(ctx.connection, ctx.session),
    'auth.unlock': async (input, ctx) => auth.unlock(ctx.connection, ctx.session, input),
    'auth.changePassword': async (input, ctx) => auth.changePassword(ctx.connection, ctx.session, input),
    'auth.switchTenant': async (input, ctx) => auth.switchTenant(ctx.connection, ctx.session, input.tenantId),
    'auth.answerInvitation': async (input, ctx) =>
      auth.answerInvitation(ctx.connection, ctx.session, input.tenantId, input.accept),
    'auth.totpBegin': async (_input, ctx) => auth.totpBegin(ctx.session),
    'auth.totpConfirm': async (input, ctx) => auth.totpConfirm(ctx.connection, ctx.session, input.code),
    'auth.totpDisable': async (input, ctx) => auth.totpDisable(ctx.connection, ctx.session, input.password),
    'auth.recoveryCodes': async (input, ctx) => auth.regenerateRecoveryCodes(ctx.session, input.password),

    'users.list': async (_input, ctx) => users.list(ctx.session),
    'users.create': async (input, ctx) => users.create(ctx.session, input),
    'users.update': async (input, ctx) => users.update(ctx.session, input),
    'users.deactivate': async (input, ctx) => users.setActive(ctx.session, input.id, false),
    'users.reactivate': async (input, ctx) => users.setActive(ctx.session, input.id, true),
    'users.resetPassword': async (input, ctx) => users.resetPassword(ctx.session, input),
    'users.resetTwoFactor': async (input, ctx) => users.resetTwoFactor(ctx.session, input.id),
    'users.setInstallationAdmin': async (input, ctx) =>
      users.setInstallationAdmin(ctx.session, input.id, input.installationAdmin),
    'roles.list': async (_input, ctx) => users.roles(ctx.session),
    'roles.create': async (input, ctx) => users.createRole(ctx.session, input),
    'roles.update': async (input, ctx) => users.updateRole(ctx.session, input),
    'roles.delete': async (input, ctx) => users.deleteRole(ctx.session, input.id),
    'security.get': async (_input, ctx) => rules.get(ctx.session.tenantId),
    'security.set': async (input, ctx) => {
      const installationWide = Object.keys(input).filter((key) => key !== 'requireTwoFactor');
      if (installationWide.length > 0 && !ctx.session.permissions.has(INSTALLATION_ADMIN)) {
        throw new AppError(
          'forbidden',
          `forbidden: ${installationWide.join(', ')} apply to every company; only an installation administrator may change them`,
          { reason: 'installation_admin_required' },
        );
      }
      const next = await rules.set(ctx.session.tenantId, input);
      await audit.append({
        action: 'settings.security.changed',
        actorId: ctx.session.userId,
        actor: ctx.session.email,
        tenantId: ctx.session.tenantId,
        details: input,
      });
      return next;
    },
    // An installation administrator reads the whole log; a company's auditors read only its entries.
    'audit.list': async (input, ctx) =>
      ctx.session.permissions.has(INSTALLATION_ADMIN)
        ? audit.list(input, null)
        : audit.list(input, { only: tenantOf(ctx.session) }),
    'audit.verify': async () => audit.verify(),

    'mail.getSettings': async () => mail.getSettings(),
    'mail.setSettings': async (input, ctx) => {
      const settings = await mail.setSettings(input);
      await audit.append({
        action: 'settings.smtp.changed',
        actorId: ctx.session.userId,
        actor: ctx.session.email,
        details: {
          host: input.host,
          port: input.port,
          security: input.security,
          passwordChanged: input.password !== undefined,
        },
      });
      return settings;
    },
    'mail.sendTest': async (input) => mail.sendTest(input.to),
    'mail.outbox': async (input) => mail.list(input),
    'mail.retry': async (input) => mail.retry(input.id),
    'auth.requestVerification': async (_input, ctx) => auth.requestVerification(ctx.session),
    'auth.verifyEmail': async (input, ctx) => auth.verifyEmail(ctx.session, input.code),
    'auth.forgotPassword': async (input) => auth.forgotPassword(input.email),
    'auth.resetPassword': async (input) => auth.resetPassword(input),
  };

  const router = createRouter({
    handlers,
    sessions: resolver,
    logger,
    onForbidden: (session, name, details) =>
      audit.append({
        action: 'permission.denied',
        actorId: session.userId,
        actor: session.email,
        tenantId: session.tenantId,
        details: { procedure: name, ...(details && { reason: details['reason'], target: details['target'] }) },
      }),
  });
  return {
    router,
    stores,
    tenants,
    identity: auth,
    sessions,
    audit,
    mail,
    async close() {
      await mail.stop();
      await audit.settled();
      await stores.close();
    },
  };
}
