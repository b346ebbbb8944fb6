// The services of one company, opened on its first call and kept: its store, keyring, event log,
// projections, settings, customers and GDPR. Handlers reach them through `of(session)`.
import { z } from 'zod';
import {
  activityRows,
  createActivitiesRepo,
  createActivitiesService,
  type ActivitiesService,
} from '../activities/activities.service';
import { decodeActivities } from '../activities/activities.events';
import type { AuditService } from '../audit/audit.service';
import { decodeContacts } from '../contacts/contacts.events';
import {
  contactRows,
  createContactsRepo,
  createContactsService,
  type ContactsService,
} from '../contacts/contacts.service';
import { createKeyring, type Keyring } from '../crypto/keyring';
import { applyCustomerFacts, decodeMany } from '../customers/customers.events';
import { createCustomersRepo } from '../customers/customers.repo.sql';
import { createCustomersService, DEFAULT_NUMBERING, type CustomersService } from '../customers/customers.service';
import { sealPlainCustomerEvents } from '../customers/customers.upgrade';
import type { Executor } from '../db/executor';
import type { CommandMeta } from '../events/command-meta';
import type { Stores } from '../db/stores';
import type { Clock, IdSource } from '../deps';
import { createEventStore, type EventStore } from '../events/event-store';
import { replay, type Projection } from '../events/replay';
import { foldStreams } from '../events/stream-records';
import { createSalesRepo, saleRows } from '../sales/sales.repo';
import { createSalesService, type SalesService } from '../sales/sales.service';
import type { SalesImportStores } from '../sales/sales-import';
import type { AnalysisRunner } from '../analytics/analysis-runner';
import { createAnalyticsService, type AnalyticsService } from '../analytics/analytics.service';
import { saleFact } from '../sales/sales.events';
import type { ErasureLog } from '../backup/erasure-log';
import { createGdprService, RETENTION_KEY, type GdprService } from '../gdpr/gdpr.service';
import { tenantOf, type Session } from '../session';
import { createSettingsStore, type SettingsStore } from '../settings/settings.store';

export interface CompanyServices {
  readonly tenantId: string;
  readonly sql: Executor;
  readonly settings: SettingsStore;
  readonly keyring: Keyring;
  readonly events: EventStore;
  readonly projections: readonly Projection[];
  readonly customers: CustomersService;
  readonly contacts: ContactsService;
  readonly activities: ActivitiesService;
  readonly sales: SalesService;
  readonly analytics: AnalyticsService;
  /** What an import of transactions writes with: the store, the sales projection, the log, and customers by number. */
  readonly salesImport: () => Promise<SalesImportStores>;
  readonly gdpr: GdprService;
  /** After an import or a replay: the store's statistics and visibility map (TenantStore.afterBulkWrite). */
  readonly afterBulkWrite: () => Promise<void>;
}

export interface CompanyServicesDeps {
  readonly stores: Stores;
  readonly installationSettings: SettingsStore;
  readonly audit: AuditService;
  readonly fieldMaster: Buffer;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly userName: (userId: string) => Promise<string | null>;
  readonly commandMeta: CommandMeta;
  /** Runs the analytics' models off the main thread. */
  readonly analysisRunner: AnalysisRunner;
  /** Whether a user is a member of the company (may own its customers). */
  readonly isMember: (userId: string, tenantId: string) => Promise<boolean>;
  /** Each erasure is also written here, outside the company's data (see backup/erasure-log.ts). */
  readonly erasures: ErasureLog;
}

export interface Companies {
  /** The services of the session's current company. */
  of(session: Session): Promise<CompanyServices>;
  /** The services of a company, for work of Kontor's own (re-applying erasures after a restore). */
  forTenant(tenantId: string): Promise<CompanyServices>;
}

/** Company setting: prefix and width of customer numbers. */
export const NUMBERING_KEY = 'customers.numbering';
const numberingSchema = z.object({ prefix: z.string().max(10), width: z.number().int().min(1).max(12) });
/** Company setting: the country of phone numbers typed without a country code (ISO 3166-1 alpha-2). */
export const HOME_COUNTRY_KEY = 'company.country';

/** Company setting: the shape of the customers projection, rebuilt by a replay when it changes. */
const PROJECTION_KEY = 'projection.customers';
const PROJECTION_VERSION = 6;

/** Company setting: the event log was checked for plain personal data (from before field encryption). */
const SEALED_MARK = 'events.sealed';

export function createCompanies(deps: CompanyServicesDeps): Companies {
  const { stores, clock, ids } = deps;
  const open = new Map<string, Promise<CompanyServices>>();

  async function openCompany(tenantId: string): Promise<CompanyServices> {
    const store = await stores.tenant(tenantId);
    const settings = createSettingsStore(store.sql);
    const keyring = createKeyring({ db: store.sql, tenantId, master: deps.fieldMaster, clock, ids });
    await keyring.ready();
    const customerRepo = createCustomersRepo(store.sql, keyring);
    const events = createEventStore({ db: store.sql, ids });
    const homeCountry = async () => (await settings.get(HOME_COUNTRY_KEY, z.string())) ?? 'DE';
    const isMember = (userId: string) => deps.isMember(userId, tenantId);
    const contactRepo = createContactsRepo(store.sql, keyring);
    const contacts = createContactsService({
      db: store.sql,
      repo: contactRepo,
      customers: customerRepo,
      events,
      keyring,
      ids,
      homeCountry,
    });
    const activityRepo = createActivitiesRepo(store.sql, keyring);
    const activities = createActivitiesService({
      db: store.sql,
      repo: activityRepo,
      customers: customerRepo,
      events,
      keyring,
      ids,
      clock,
      isMember,
    });
    const salesRepo = createSalesRepo(store.sql);
    const sales = createSalesService({ db: store.sql, repo: salesRepo, customers: customerRepo, events, ids, clock });
    const customers = createCustomersService({
      db: store.sql,
      repo: customerRepo,
      events,
      keyring,
      ids,
      numbering: async () => (await settings.get(NUMBERING_KEY, numberingSchema)) ?? DEFAULT_NUMBERING,
      homeCountry,
      isMember,
      dependents: [contacts.dependents, activities.dependents, sales.dependents],
    });
    const projections: Projection[] = [
      {
        prefix: 'customer.',
        tables: customerRepo.tables,
        clear: (tx) => customerRepo.clear(tx),
        around: (tx, run, signal) => customerRepo.withWordsDeferred(tx, run, signal),
        prepare: async (page, tx) => {
          const facts = await decodeMany(page, keyring, tx);
          return (write) => applyCustomerFacts(customerRepo, page, facts, write);
        },
      },
      {
        prefix: 'contact.',
        // Its index stays during a replay: the customers' search words look contacts up by customer.
        tables: [],
        clear: (tx) => contactRepo.clear(tx),
        prepare: async (page, tx) => {
          const facts = await decodeContacts(page, keyring, tx);
          return (write) => foldStreams(page, facts, contactRows(contactRepo, customerRepo), write);
        },
      },
      {
        prefix: 'activity.',
        tables: activityRepo.tables,
        clear: (tx) => activityRepo.clear(tx),
        prepare: async (page, tx) => {
          const facts = await decodeActivities(page, keyring, tx);
          return (write) => foldStreams(page, facts, activityRows(activityRepo), write);
        },
      },
      {
        prefix: 'sale.',
        tables: salesRepo.tables,
        clear: (tx) => salesRepo.clear(tx),
        prepare: async (page) => {
          const facts = page.map(saleFact);
          return (write) => foldStreams(page, facts, saleRows(salesRepo), write);
        },
      },
    ];
    await upgrade(tenantId, settings, async () => {
      // Stores from before field encryption: seal their events, once.
      await sealPlainCustomerEvents(store.sql, keyring);
    });
    // A projection of an older shape (its tables were dropped by a migration) is rebuilt from the
    // log; customers from before numbers then get theirs.
    if ((await settings.get(PROJECTION_KEY, z.number())) !== PROJECTION_VERSION) {
      await replay({ db: store.sql, events, projections });
      // One command of Kontor's own: its metadata is made before the transaction.
      await customers.numberUnnumbered(await deps.commandMeta(null));
      await settings.set(PROJECTION_KEY, PROJECTION_VERSION);
      await store.afterBulkWrite();
    }
    const gdpr = createGdprService({
      tenantId,
      customers,
      contacts,
      activities,
      repo: customerRepo,
      events,
      keyring,
      audit: deps.audit,
      settings,
      userName: deps.userName,
      clock,
      compact: () => store.compact(),
      erasures: deps.erasures,
    });
    return {
      tenantId,
      sql: store.sql,
      settings,
      keyring,
      events,
      projections,
      customers,
      contacts,
      activities,
      sales,
      analytics: createAnalyticsService({ db: store.sql, settings, runner: deps.analysisRunner, clock, ids }),
      salesImport: async () => ({
        db: store.sql,
        repo: salesRepo,
        events,
        ids,
        customers: { byNumbers: (numbers, tx) => customerRepo.byNumbers(numbers, tx), bulk: await customers.bulk() },
      }),
      gdpr,
      afterBulkWrite: () => store.afterBulkWrite(),
    };
  }

  /**
   * One-off upgrades of a company's data, each recorded in its settings so it runs once: company
   * settings that older versions kept in the installation's settings move here.
   */
  async function upgrade(tenantId: string, settings: SettingsStore, sealEvents: () => Promise<void>) {
    const moved = [
      { from: `retention.tenant.${tenantId}`, to: RETENTION_KEY },
      { from: `events.sealed.tenant.${tenantId}`, to: SEALED_MARK },
    ];
    for (const { from, to } of moved) {
      const value = await deps.installationSettings.get(from, z.unknown());
      if (value === undefined) continue;
      if (!(await settings.has(to))) await settings.set(to, value);
      await deps.installationSettings.delete(from);
    }
    if (!(await settings.has(SEALED_MARK))) {
      await sealEvents();
      await settings.set(SEALED_MARK, { at: clock.now().toISOString() });
    }
  }

  function forTenant(tenantId: string): Promise<CompanyServices> {
    let services = open.get(tenantId);
    if (!services) {
      services = openCompany(tenantId);
      // A failed open (wrong master key, say) is tried again on the next call.
      services.catch(() => open.delete(tenantId));
      open.set(tenantId, services);
    }
    return services;
  }

  return { of: (session) => forTenant(tenantOf(session)), forTenant };
}
