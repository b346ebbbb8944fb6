// The composition root: stores → services → handlers → router. Every process that runs Kontor
// (Electron main, web host, CLI, tests, bench) builds it here, so all of them behave the same.
import type { DatabaseChoice, KeyStoreKind, Tenant } from '../shared/contract';
import { AppError } from '../shared/errors';
import { maskUrl, type PgConnection } from './db/postgres';
import { openPgStores } from './db/pg-stores';
import { openSqliteStores } from './db/sqlite-stores';
import type { Stores } from './db/stores';
import { systemClock, uuidv7Source, type Clock, type IdSource } from './deps';
import type { KeyStore } from './keys/keystore';
import { createRouter, type Handlers, type Logger, type Router } from './router';
import { localAdminSession, type SessionResolver } from './session';
import { readSettingsFile, writeSettingsFile } from './settings/settings.file';
import { createCustomersService, type CustomersService } from './customers/customers.service';
import { createTenantsService, type TenantsService } from './tenants/tenants.service';

export type DatabaseTarget =
  | { readonly kind: 'sqlite'; readonly keyStore: KeyStore }
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
  /** The settings file `settings.*` procedures read and write. */
  readonly settingsFile: string;
  readonly version: string;
  readonly clock?: Clock;
  readonly ids?: IdSource;
  readonly logger?: Logger;
}

export interface Kontor {
  readonly router: Router;
  readonly stores: Stores;
  readonly tenants: TenantsService;
  close(): Promise<void>;
}

export const consoleLogger: Logger = {
  error: (message, fields) => console.error(`[kontor] ${message}`, fields ?? ''),
  warn: (message, fields) => console.warn(`[kontor] ${message}`, fields ?? ''),
};

function describeChoice(choice: DatabaseChoice): DatabaseChoice {
  return choice.kind === 'postgres' ? { kind: 'postgres', url: maskUrl(choice.url) } : choice;
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
          keyStore: database.keyStore,
          migrationsDir: options.migrationsDir,
        })
      : await openPgStores({
          connection: database.connection,
          migrationsDir: options.migrationsDir,
          ...(database.schemaPrefix !== undefined && { schemaPrefix: database.schemaPrefix }),
          ...(database.ownsConnection !== undefined && { ownsConnection: database.ownsConnection }),
        });
  const keyStoreKind: KeyStoreKind | null = database.kind === 'sqlite' ? database.keyStore.kind : null;

  const tenants = createTenantsService({ stores, clock, ids });
  const customerServices = new Map<string, CustomersService>();

  async function customersOf(tenantId: string | null): Promise<CustomersService> {
    if (tenantId === null)
      throw new AppError('not_found', 'no company is set up yet; create one first (kontor setup --tenant NAME)');
    let service = customerServices.get(tenantId);
    if (!service) {
      const store = await stores.tenant(tenantId);
      service = createCustomersService({ repo: store.customers, clock, ids });
      customerServices.set(tenantId, service);
    }
    return service;
  }

  // Until sign-in exists (identity issue) every caller is the local administrator. A caller may
  // name its tenant (the CLI's --tenant); otherwise the session runs in the first company.
  const sessions: SessionResolver = {
    async resolve(meta) {
      let tenant: Tenant | null;
      if (meta.tenantName !== undefined) {
        tenant = await tenants.findByName(meta.tenantName);
        if (tenant === null) {
          throw new AppError(
            'not_found',
            `no company named '${meta.tenantName}'; create it with: kontor setup --tenant '${meta.tenantName}'`,
          );
        }
      } else {
        tenant = (await tenants.list())[0] ?? null;
      }
      return localAdminSession(tenant?.id ?? null);
    },
  };

  function databaseSettings() {
    const configured = readSettingsFile(options.settingsFile).database;
    return {
      active: stores.dialect,
      configured: describeChoice(configured),
      restartRequired: configured.kind !== stores.dialect,
    };
  }

  const handlers: Handlers = {
    'customers.create': async (input, ctx) => (await customersOf(ctx.session.tenantId)).create(input),
    'customers.get': async (input, ctx) => (await customersOf(ctx.session.tenantId)).get(input.id),
    'customers.update': async (input, ctx) =>
      (await customersOf(ctx.session.tenantId)).update(input.id, input.changes, input.expectedVersion),
    'customers.list': async (input, ctx) => (await customersOf(ctx.session.tenantId)).list(input),
    'system.ping': async () => ({ pong: true as const }),
    'app.info': async (_input, ctx) => ({
      version: options.version,
      database: stores.dialect,
      keyStore: keyStoreKind,
      user: { id: ctx.session.userId, name: ctx.session.userName },
      tenant: ctx.session.tenantId === null ? null : await tenants.get(ctx.session.tenantId),
    }),
    'app.status': async () => ({ state: 'ready' as const }),
    'app.unlock': async () => ({ state: 'ready' as const }),
    'settings.getDatabase': async () => databaseSettings(),
    'settings.setDatabase': async (input) => {
      const current = readSettingsFile(options.settingsFile);
      writeSettingsFile(options.settingsFile, { ...current, database: input });
      const settings = databaseSettings();
      // A changed URL to the same dialect also needs a restart.
      return { ...settings, restartRequired: settings.restartRequired || input.kind === 'postgres' };
    },
    'tenants.setup': async (input) => tenants.setup(input.name),
    'tenants.list': async () => tenants.list(),
  };

  const router = createRouter({ handlers, sessions, logger });
  return { router, stores, tenants, close: () => stores.close() };
}
