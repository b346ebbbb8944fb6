// The composition root, wiring only: config → stores → repositories → services → handlers →
// router. Every process that runs Kontor (Electron main, web host, CLI, tests, bench) builds it
// here, so all of them behave the same. Rules live in the services; handlers per area translate
// calls into service calls (src/core/<area>/<area>.handlers.ts).
import type { Erasure, ErasureLog } from './backup/erasure-log';
import { fileErasureLog } from './backup/erasure-log';
import type { BackupKdf } from './backup/backup-file';
import { backupBeforeMigration, dropPreMigrationBackups } from './backup/pre-migration';
import { backupFolder, createBackupsService, type BackupsService } from './backup/backups.service';
import { backupsHandlers } from './backup/backups.handlers';
import { activitiesHandlers } from './activities/activities.handlers';
import { contactsHandlers } from './contacts/contacts.handlers';
import { salesHandlers } from './sales/sales.handlers';
import { analyticsHandlers } from './analytics/analytics.handlers';
import { createAnalysisRunner } from './analytics/analysis-runner';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AUDIT_HEAD_FILE, auditChainKey, createAuditService, type AuditService } from './audit/audit.service';
import { auditHandlers } from './audit/audit.handlers';
import { authHandlers } from './auth/auth.handlers';
import { createCodes } from './auth/codes';
import { createIdentityRepo } from './auth/identity.repo';
import { createIdentityService, type IdentityService } from './auth/identity.service';
import { createPasswordHasher, type PasswordHasher, type PasswordParams } from './auth/passwords';
import { createSecurityRules } from './auth/security-settings';
import { createSessionStore } from './auth/session-store';
import { createSessionManager, type SessionManager } from './auth/sessions';
import { createSnapshots } from './auth/snapshots';
import { usersHandlers } from './auth/users.handlers';
import { createUsersService } from './auth/users.service';
import { createCompanies } from './company/company.services';
import { createSecretBox } from './crypto/secret-box';
import { customersHandlers } from './customers/customers.handlers';
import { createFileGrants, type FileGrants, type SharedFiles } from './files';
import type { Executor } from './db/executor';
import type { PgConnection } from './db/postgres';
import { openPgStores } from './db/pg-stores';
import { openSqliteStores } from './db/sqlite-stores';
import type { Stores } from './db/stores';
import { systemClock, uuidv7Source, type Clock, type IdSource } from './deps';
import { createCommandMeta } from './events/command-meta';
import { eventsHandlers } from './events/events.handlers';
import { gdprHandlers } from './gdpr/gdpr.handlers';
import { keysHandlers } from './keys/keys.handlers';
import { createKeysService } from './keys/keys.service';
import { keyNames, type KeyStore } from './keys/keystore';
import { mailHandlers } from './mail/mail.handlers';
import { createMailService, type MailService } from './mail/mail.service';
import { createRouter, type Handlers, type Logger, type Router } from './router';
import type { SessionResolver } from './session';
import { createDatabaseSettings } from './settings/database-settings';
import { settingsHandlers } from './settings/settings.handlers';
import { createSettingsStore } from './settings/settings.store';
import { systemHandlers } from './system/system.handlers';
import { redactAddresses } from './logs/file-logger';
import { updatesHandlers } from './updates/updates.handlers';
import { supportHandlers } from './support/support.handlers';
import { NO_MACHINE_CONFIG, type MachineState } from '../shared/machine-config';
import { createTenantsAdmin } from './tenants/tenants.admin';
import { tenantsHandlers } from './tenants/tenants.handlers';
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
  /** Another password hasher (the port; tests that sign in thousands of times use a cheap argon2). */
  readonly passwordHasher?: PasswordHasher;
  /** The argon2id cost of passphrase-sealed backups (tests that make thousands of them lower it). */
  readonly backupKdf?: BackupKdf;
  /**
   * Sessions in the database, shared by every process on it (the Kontor server's instances):
   * Postgres only. Without, sessions live in this process (a desk).
   */
  readonly sharedSessions?: boolean;
  /**
   * Files granted on other instances (the Kontor server keeps grants and contents in its system
   * store): made once the stores are open, asked when a grant is not one of this process's.
   */
  readonly sharedFiles?: (system: Executor) => SharedFiles;
  /** The Kontor server: its database, as its environment gave it (settings.setDatabase refuses). */
  readonly databaseFromEnvironment?: string;
  /** The machine-wide configuration IT set (app.machine answers it). */
  readonly machine?: MachineState;
  /** Where erasures are also written (default: erasures.jsonl in the data directory). */
  readonly erasures?: ErasureLog;
}

export interface Kontor {
  readonly router: Router;
  readonly stores: Stores;
  readonly tenants: TenantsService;
  readonly identity: IdentityService;
  readonly sessions: SessionManager;
  readonly audit: AuditService;
  readonly mail: MailService;
  /** Files the user chose, granted to a connection (see files.ts). */
  readonly files: FileGrants;
  readonly backups: BackupsService;
  /** After a restore: erases again every subject of the erasure log the restored data still holds. */
  reapplyErasures(erasures: readonly Erasure[]): Promise<{ erased: number; absent: number; already: number }>;
  close(): Promise<void>;
}

/** Mail addresses never reach the log, wherever they appear (a driver's or a server's message). */
const logLine = (message: string, fields?: Record<string, unknown>) =>
  redactAddresses(`[kontor] ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);

export const consoleLogger: Logger = {
  error: (message, fields) => console.error(logLine(message, fields)),
  warn: (message, fields) => console.warn(logLine(message, fields)),
};

const RULES_TOPIC = 'rules';

export async function openKontor(options: KontorOptions): Promise<Kontor> {
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? uuidv7Source(clock);
  const logger = options.logger ?? consoleLogger;
  const { database, keyStore } = options;
  if (options.sharedSessions && database.kind !== 'postgres') throw new Error('shared sessions need Postgres');

  // Where erasures are also written, and the backup a migration is preceded by (SQLite).
  const machine = options.machine ?? NO_MACHINE_CONFIG;
  const erasures =
    options.erasures ??
    fileErasureLog(
      options.dataDir,
      () => backupFolder(options.dataDir, options.settingsFile, machine).folder,
      (error) => logger.warn('the erasure log beside the backups was not written', { error: String(error) }),
    );
  const migrationBackupFolders = () =>
    new Set([backupFolder(options.dataDir, options.settingsFile, machine).folder, join(options.dataDir, 'backups')]);
  const startedAt = clock.now();
  const migrationBackup =
    database.kind === 'sqlite'
      ? await backupBeforeMigration({
          dataDir: options.dataDir,
          keyStore,
          migrationsDir: options.migrationsDir,
          folders: [...migrationBackupFolders()],
          version: options.version,
          now: startedAt,
          erasures,
          logger,
        })
      : null;

  // Stores and the keys that open them.
  const stores =
    database.kind === 'sqlite'
      ? await openSqliteStores({ dataDir: options.dataDir, keyStore, migrationsDir: options.migrationsDir })
      : await openPgStores({
          connection: database.connection,
          migrationsDir: options.migrationsDir,
          ...(database.schemaPrefix !== undefined && { schemaPrefix: database.schemaPrefix }),
          ...(database.ownsConnection !== undefined && { ownsConnection: database.ownsConnection }),
        });
  const db = stores.system.sql;
  const chainKey = await auditChainKey(keyStore, db).catch(async (error: unknown) => {
    await stores.close();
    throw error;
  });
  const secrets = createSecretBox(await keyStore.getOrCreateKey(keyNames.systemSecrets));
  const fieldMaster = await keyStore.getOrCreateKey(keyNames.fieldMaster);
  // Made with the others, so every key backup holds the key that opens the installation's backups.
  await keyStore.getOrCreateKey(keyNames.backupSeal);

  // Repositories and the installation's settings.
  const repo = createIdentityRepo(db);
  const settings = createSettingsStore(db);

  // Services, each built from what exists before it.
  const audit = createAuditService({
    db,
    clock,
    logger,
    chain: { key: chainKey, headFile: join(options.dataDir, AUDIT_HEAD_FILE) },
  });
  await audit.start();
  const tenants = createTenantsService({ stores, clock, ids });
  // After the backup before a migration, every company's store migrates now, not at its first use
  // (which could be months later for an archived one, with a backup at every start until then).
  if (migrationBackup) {
    for (const tenant of await tenants.list()) {
      await stores
        .tenant(tenant.id)
        .catch((error: unknown) =>
          logger.error('a company store did not migrate', { tenant: tenant.id, error: String(error) }),
        );
    }
  }
  // With several processes on one database (the server's instances), each hears the others'
  // changes of what it caches: sessions (below) and the sign-in rules.
  const shared = options.sharedSessions ? stores.system.notifications : null;
  const rules = createSecurityRules({
    settings,
    audit,
    ...(shared && { changed: () => shared.notify(RULES_TOPIC, '') }),
  });
  await rules.load();
  const reloadRules = () =>
    void rules.load().catch((error: unknown) => logger.error('sign-in rules not reloaded', { error: String(error) }));
  const stopRules = shared
    ? await shared.listen(RULES_TOPIC, { message: reloadRules, lost: () => undefined, restored: reloadRules })
    : null;
  const snapshots = createSnapshots({ repo, rules });
  const sessions = createSessionManager({
    clock,
    timeouts: () => rules.installation(),
    revalidate: (session) => snapshots.revalidate(session),
    ...(shared && {
      store: createSessionStore({ db, notifications: shared, instance: randomBytes(8).toString('hex') }),
    }),
  });
  await sessions.start();
  const mail = createMailService({ db, settings, audit, secrets, clock, ids, logger });
  await mail.sealStoredBodies();
  const codes = createCodes({ repo, secrets, clock, ids });
  const hasher = options.passwordHasher ?? createPasswordHasher(options.passwordParams);
  const auth = createIdentityService({
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
    snapshots,
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
  const userName = async (userId: string) => (await repo.user(userId))?.name ?? null;
  const commandMeta = await createCommandMeta({ settings, clock, ids });
  const companies = createCompanies({
    stores,
    installationSettings: settings,
    audit,
    fieldMaster,
    clock,
    ids,
    userName,
    commandMeta,
    analysisRunner: createAnalysisRunner(logger),
    isMember: async (userId, tenantId) => (await repo.membershipsOf(userId)).some((m) => m.tenantId === tenantId),
    erasures,
  });
  const keys = createKeysService({ keyStore, tenants, identity: auth, audit, clock });
  const admin = createTenantsAdmin({ tenants, repo, sessions, audit, clock });
  const databaseSettings = createDatabaseSettings({
    settingsFile: options.settingsFile,
    active: stores.dialect,
    secrets,
    audit,
    fixed: options.databaseFromEnvironment,
  });

  const files = createFileGrants(options.sharedFiles?.(stores.system.sql));
  const backups = createBackupsService({
    dataDir: options.dataDir,
    keyStore,
    stores,
    tenants,
    audit,
    clock,
    version: options.version,
    erasures,
    settingsFile: options.settingsFile,
    machine,
    logger,
    ...(options.backupKdf && { kdf: options.backupKdf }),
  });

  // Handlers per area, one for every procedure of the contract.
  const handlers = {
    ...systemHandlers({
      version: options.version,
      database: stores.dialect,
      keyStore: keyStore.kind,
      machine: options.machine ?? NO_MACHINE_CONFIG,
    }),
    ...settingsHandlers({ database: databaseSettings }),
    ...tenantsHandlers({ admin }),
    ...authHandlers({ auth, rules }),
    ...usersHandlers({ users }),
    ...auditHandlers({ audit }),
    ...mailHandlers({ mail }),
    ...customersHandlers({
      companies,
      commandMeta,
      userName,
      files,
      audit,
      owners: (session) => users.owners(session),
    }),
    ...eventsHandlers({ companies, audit, clock }),
    ...contactsHandlers({ companies, commandMeta }),
    ...activitiesHandlers({ companies, commandMeta }),
    ...salesHandlers({ companies, commandMeta, files, audit }),
    ...analyticsHandlers({ companies }),
    ...gdprHandlers({ companies, commandMeta }),
    ...keysHandlers({ keys, companies }),
    // A desk's updater answers in front of the gate (withDeskServices); here there is none.
    ...updatesHandlers(null),
    ...supportHandlers(null),
    ...backupsHandlers({ backups }),
  } satisfies Handlers;

  const resolver: SessionResolver = {
    resolve: (meta, touch) => (meta.connection ? sessions.get(meta.connection, touch) : Promise.resolve(null)),
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
  // A start with nothing to migrate that got this far: the backups made before migrations go.
  if (database.kind === 'sqlite' && migrationBackup === null) {
    for (const folder of migrationBackupFolders()) dropPreMigrationBackups(folder, startedAt);
  }
  return {
    router,
    stores,
    tenants,
    identity: auth,
    sessions,
    audit,
    mail,
    files,
    backups,
    async reapplyErasures(list) {
      const counts = { erased: 0, absent: 0, already: 0 };
      const known = new Set((await tenants.list()).map((t) => t.id));
      for (const erasure of list) {
        if (!known.has(erasure.tenantId)) continue;
        const company = await companies.forTenant(erasure.tenantId);
        counts[await company.gdpr.reapply(erasure, () => commandMeta(null))] += 1;
      }
      for (const tenantId of new Set(list.map((e) => e.tenantId))) {
        if (known.has(tenantId)) await (await companies.forTenant(tenantId)).gdpr.compact();
      }
      return counts;
    },
    async close() {
      await backups.settled();
      await sessions.stop();
      await stopRules?.();
      await mail.stop();
      await audit.settled();
      await stores.close();
    },
  };
}
