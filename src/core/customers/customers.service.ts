// Customer use cases. Every change is an event in the customer's stream; the customers table is a
// projection updated in the same transaction, and can be rebuilt from the log at any time.
// Personal fields enter the log sealed with the customer's data key; `erase` shreds that key.
import type { z } from 'zod';
import {
  type bulkActionSchema,
  checkCustomer,
  type BulkResult,
  displayName,
  statusEdges,
  type Address,
  type Customer,
  type CustomerIssue,
  type CustomerListQuery,
  type CustomerPage,
  type CustomerStatus,
  type LikelyDuplicate,
  type ParsedCustomerFields,
} from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { DataKey, Keyring } from '../crypto/keyring';
import { withoutIndexesOf, type Executor } from '../db/executor';
import type { IdSource } from '../deps';
import type { EventMeta, EventStore, NewEvent } from '../events/event-store';
import { upcast } from '../events/event-types';
import {
  absorbed,
  applyCustomerEvent,
  created,
  customerAbsorbed,
  customerMerged,
  createdRecord,
  customerStream,
  customerSubject,
  deleted,
  erased,
  merged,
  numbered,
  statusChanged,
  updated,
  type CustomerFact,
} from './customers.events';
import {
  DEFAULT_PLAIN,
  EMPTY_PERSONAL,
  PERSONAL_KEYS,
  PLAIN_KEYS,
  sameValue,
  type CustomerRecord,
  type PersonalChanges,
  type PersonalFields,
  type PlainChanges,
  type PlainFields,
} from './customers.record';
import type { CustomersRepo } from './customers.repo';

export interface CustomerNumbering {
  /** Text before the number (`K-`). */
  readonly prefix: string;
  /** Digits, zero-padded (5: `K-00012`). */
  readonly width: number;
}

export const DEFAULT_NUMBERING: CustomerNumbering = { prefix: 'K-', width: 5 };

/** How often a change without an expected version is made again after losing a race (onWhatIsStored). */
const RACE_RETRIES = 10;

export function formatNumber(n: number, { prefix, width }: CustomerNumbering): string {
  return `${prefix}${String(n).padStart(width, '0')}`;
}

export interface CustomersService {
  create(fields: ParsedCustomerFields & { status?: CustomerStatus }, meta: EventMeta): Promise<Customer>;
  get(id: string): Promise<Customer>;
  /** The stored customers among `ids` (an export's page). */
  getMany(ids: readonly string[]): Promise<Map<string, Customer>>;
  update(id: string, changes: ParsedCustomerFields, meta: EventMeta, expectedVersion?: number): Promise<Customer>;
  setStatus(
    id: string,
    to: CustomerStatus,
    reason: string,
    meta: EventMeta,
    expectedVersion?: number,
  ): Promise<Customer>;
  list(query: CustomerListQuery): Promise<CustomerPage>;
  /** Likely duplicates of the given fields (see CustomersRepo.likelyDuplicates). */
  duplicates(fields: ParsedCustomerFields, excludeId?: string): Promise<LikelyDuplicate[]>;
  /**
   * Merges `sourceId` into `targetId` (a duplicate into the customer that stays): the target keeps
   * its fields and takes what it lacks from the source (tags united, notes appended); the source's
   * contacts and activities move over; the source leaves the list but its log stays, so the
   * target's history shows both. Recorded as `customer.absorbed` and `customer.merged`.
   */
  merge(
    sourceId: string,
    targetId: string,
    meta: EventMeta,
    expected?: { source?: number | undefined; target?: number | undefined },
  ): Promise<Customer>;
  /** Customers merged into this one, and into those, and so on (their keys go with its erasure). */
  absorbedInto(id: string): Promise<{ id: string; number: string }[]>;
  /** Crypto-shreds the customer's personal data; dates and version history stay. */
  erase(id: string, meta: EventMeta): Promise<Customer>;
  /**
   * Removes a customer created by mistake: one that nobody but its creator has touched (and, once
   * sales exist, without sales documents). Any other customer is archived instead; the refusal
   * says so. The number is not given again; the data key is shredded with the customer.
   */
  delete(id: string, meta: EventMeta, expectedVersion?: number): Promise<void>;
  /** Gives customers from before numbers existed a number each, oldest first (an upgrade, once). */
  numberUnnumbered(meta: EventMeta): Promise<number>;
  /** Creates customers by the page (an import), with the company's settings read once. */
  bulk(): Promise<BulkCreate>;
  /**
   * One action on many customers (the list's bulk actions), each customer its own event. A
   * customer the action cannot change (erased, a status move that is not allowed, changed meanwhile)
   * is reported and the others go on; a cancel stops before the next customer.
   */
  applyToMany(
    ids: readonly string[],
    action: z.output<typeof bulkActionSchema>,
    meta: () => Promise<EventMeta>,
    progress?: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
  ): Promise<BulkResult>;
}

/** A new customer whose fields passed every rule, ready to be stored. */
export interface CustomerDraft {
  readonly status: CustomerStatus;
  readonly plain: PlainFields;
  readonly personal: PersonalFields;
}

export type CustomerCheck =
  | { readonly ok: true; readonly draft: CustomerDraft }
  | { readonly ok: false; readonly issues: readonly CustomerIssue[] };

export interface BulkCreate {
  /** Whether the company has no customers yet: an import into it has no stored customers to compare with. */
  isEmpty(tx?: Executor): Promise<boolean>;
  /**
   * Runs `fn` in `tx` as a bulk load, as a replay does: the projection's secondary indexes dropped
   * and built once at the end, the search words written in sorted runs, a larger store cache (a
   * large first import: sorting once beats inserting into each index row by row). Nothing may look
   * customers up by those indexes or search them meanwhile.
   */
  bulkLoad<T>(tx: Executor, fn: () => Promise<T>, options: { readonly dropIndexes: boolean }): Promise<T>;
  /** The rules of `create`, without storing anything. */
  check(fields: ParsedCustomerFields & { status?: CustomerStatus }): Promise<CustomerCheck>;
  /** For each draft, the customers already stored that are likely the same (read in `tx` when given). */
  duplicates(drafts: readonly CustomerDraft[], tx?: Executor): Promise<LikelyDuplicate[][]>;
  /**
   * Stores the drafts as new customers, in `tx`: numbers, keys, events and the projection by the
   * page. `numbers` (one per draft) are kept as given instead of taken from the sequence: the
   * customer numbers of the system a company moves from (see `isOwnNumber`).
   */
  create(
    drafts: readonly CustomerDraft[],
    meta: EventMeta,
    tx: Executor,
    numbers?: readonly string[],
  ): Promise<Customer[]>;
  /** Whether a number has the form of the company's own (prefix and digits): only the sequence gives those. */
  isOwnNumber(number: string): boolean;
}

/**
 * What belongs to a customer in other areas (contact persons, activities): it follows the customer
 * into erasure and deletion, inside the customer's transaction, and can keep it from being deleted.
 */
export interface CustomerDependents {
  /** The customer is being erased: erase what belongs to it. */
  erase(customerId: string, meta: EventMeta, tx: Executor): Promise<void>;
  /** The customer is being deleted: remove what belongs to it. */
  remove(customerId: string, meta: EventMeta, tx: Executor): Promise<void>;
  /** Whether users other than `creator` worked on what belongs to the customer (then it is not deleted). */
  touchedByOthers(customerId: string, creator: string | null): Promise<boolean>;
  /** The customer `from` is being merged into `into`: what belonged to it belongs to `into` now. */
  merge(from: string, into: string, meta: EventMeta, tx: Executor): Promise<void>;
}

export interface CustomersServiceDeps {
  readonly db: Executor;
  readonly repo: CustomersRepo;
  readonly events: EventStore;
  readonly keyring: Keyring;
  readonly ids: IdSource;
  /** The company's customer numbers: prefix and width (company settings). */
  readonly numbering: () => Promise<CustomerNumbering>;
  /** The country of phone numbers typed without a country code when the customer has no address. */
  readonly homeCountry: () => Promise<string>;
  /** Whether the user may own customers of this company (a member of it). */
  readonly isMember: (userId: string) => Promise<boolean>;
  readonly dependents?: readonly CustomerDependents[];
}

/** Empty optional text means "not given": stored as null, never as ''. */
function clean(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value.trim();
}

function cleanAddress(address: Address | null | undefined): PersonalFields['billingAddress'] {
  if (!address) return null;
  const out = {
    street: clean(address.street),
    postalCode: clean(address.postalCode),
    city: clean(address.city),
    country: clean(address.country),
  };
  return Object.values(out).every((v) => v === null) ? null : out;
}

function websiteOf(text: string | null | undefined): string | null {
  const value = clean(text);
  if (value === null) return null;
  return /^https?:\/\//i.test(value) ? value : `https://${value}`;
}

/** Nothing given: the field a merge may fill from the other customer. */
const isEmpty = (value: unknown) =>
  value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);

/** What the target of a merge lacks and the source has; tags united, notes appended. */
function fillFrom(target: CustomerRecord, source: CustomerRecord) {
  const plain: PlainChanges = {};
  const personal: PersonalChanges = {};
  const plainKeys = ['legalForm', 'paymentTerms', 'creditLimit', 'language', 'ownerId'] as const;
  for (const key of plainKeys)
    if (isEmpty(target[key]) && !isEmpty(source[key])) Object.assign(plain, { [key]: source[key] });
  const personalKeys = PERSONAL_KEYS.filter((k) => !['name', 'firstName', 'lastName', 'tags', 'notes'].includes(k));
  for (const key of personalKeys) {
    if (isEmpty(target[key]) && !isEmpty(source[key])) Object.assign(personal, { [key]: source[key] });
  }
  const known = new Set(target.tags.map((tag) => tag.toLocaleLowerCase('de')));
  const tags = [...target.tags, ...source.tags.filter((tag) => !known.has(tag.toLocaleLowerCase('de')))].slice(0, 20);
  if (tags.length > target.tags.length) personal.tags = tags;
  if (source.notes)
    personal.notes = target.notes ? `${target.notes}\n\n— ${source.number} —\n${source.notes}` : source.notes;
  return { plain, personal };
}

/** Refuses any change of a customer whose personal data was erased. */
export function refuseErased(record: Pick<CustomerRecord, 'erasedAt'>): void {
  if (record.erasedAt !== null) {
    throw new AppError('conflict', "this customer's personal data was erased; the record can no longer be changed", {
      reason: 'customer_erased',
    });
  }
}

/**
 * The stored customer, or `not_found`; a customer merged into another says where it went
 * (following later merges), not just "gone". Every area that acts on a customer looks it up here.
 */
export async function findCustomer(
  repo: Pick<CustomersRepo, 'get'>,
  events: Pick<EventStore, 'readStream'>,
  id: string,
  tx?: Executor,
): Promise<CustomerRecord> {
  const record = await repo.get(id, tx);
  if (record !== null) return record;
  let at = id;
  for (let hops = 0; hops < 20; hops++) {
    const last = (await events.readStream(customerStream(at), tx)).at(-1);
    if (last?.type !== customerMerged.type) break;
    at = upcast(customerMerged, last.schemaVersion, last.data).into;
    const into = await repo.get(at, tx);
    if (into) {
      throw new AppError('not_found', `customer ${id} was merged into ${into.number}`, {
        reason: 'customer_merged',
        into: into.id,
        number: into.number,
      });
    }
  }
  throw new AppError('not_found', `no customer with id ${id}`, { reason: 'no_customer' });
}

function invalid(issues: readonly { path: string; rule: string; message: string }[]): AppError {
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new AppError('validation', `invalid customer: ${summary}`, { issues: [...issues] });
}

/** The given fields in stored form: text trimmed and empty as null, phone numbers as E.164. */
function given(fields: ParsedCustomerFields, phones: Partial<Record<'phone' | 'mobile' | 'fax', string | null>>) {
  const plain: PlainChanges = {};
  const personal: PersonalChanges = {};
  if (fields.kind !== undefined) plain.kind = fields.kind;
  if (fields.legalForm !== undefined) plain.legalForm = clean(fields.legalForm);
  if (fields.paymentTerms !== undefined) plain.paymentTerms = fields.paymentTerms;
  if (fields.creditLimit !== undefined) plain.creditLimit = fields.creditLimit;
  if (fields.currency !== undefined) plain.currency = fields.currency;
  if (fields.language !== undefined) plain.language = fields.language;
  if (fields.ownerId !== undefined) plain.ownerId = fields.ownerId;
  // The name is the display name, made by check() from kind, name, first and last name.
  for (const key of ['firstName', 'lastName', 'taxNumber', 'email', 'notes'] as const) {
    if (fields[key] !== undefined) personal[key] = clean(fields[key]);
  }
  if (fields.vatId !== undefined) personal.vatId = fields.vatId?.id ?? null;
  Object.assign(personal, phones);
  if (fields.website !== undefined) personal.website = websiteOf(fields.website);
  if (fields.billingAddress !== undefined) personal.billingAddress = cleanAddress(fields.billingAddress);
  if (fields.shippingAddress !== undefined) personal.shippingAddress = cleanAddress(fields.shippingAddress);
  if (fields.bankAccount !== undefined) {
    personal.bankAccount = fields.bankAccount
      ? {
          iban: fields.bankAccount.iban.iban,
          bic: fields.bankAccount.bic ?? null,
          holder: clean(fields.bankAccount.holder),
        }
      : null;
  }
  if (fields.tags !== undefined) personal.tags = fields.tags;
  return { plain, personal };
}

export function createCustomersService(deps: CustomersServiceDeps): CustomersService {
  const { db, repo, events, keyring, ids } = deps;
  const dependents = deps.dependents ?? [];

  const get = (id: string) => findCustomer(repo, events, id);

  /** The rules across fields, on the record as it would be: the issues, or the name and phone numbers. */
  async function issuesOf(fields: ParsedCustomerFields, current: CustomerRecord | null, homeCountry: string) {
    const whole: ParsedCustomerFields = {
      kind: fields.kind ?? current?.kind,
      name: fields.name !== undefined ? fields.name : current?.name,
      firstName: fields.firstName !== undefined ? fields.firstName : current?.firstName,
      lastName: fields.lastName !== undefined ? fields.lastName : current?.lastName,
      billingAddress: fields.billingAddress !== undefined ? fields.billingAddress : current?.billingAddress,
      phone: fields.phone,
      mobile: fields.mobile,
      fax: fields.fax,
    };
    const { issues, phones } = checkCustomer(whole, homeCountry);
    if (fields.ownerId && !(await deps.isMember(fields.ownerId))) {
      issues.push({ path: 'ownerId', rule: 'owner', message: 'the owner must be a user of this company' });
    }
    return { issues, phones, name: displayName(whole).trim() };
  }

  /** As issuesOf; throws `validation` with the field issues. */
  async function check(fields: ParsedCustomerFields, current: CustomerRecord | null) {
    const { issues, phones, name } = await issuesOf(fields, current, await deps.homeCountry());
    if (issues.length > 0) throw invalid(issues);
    return { phones, name };
  }

  /** A new customer's stored fields. */
  function draftOf(
    fields: ParsedCustomerFields & { status?: CustomerStatus },
    phones: Partial<Record<'phone' | 'mobile' | 'fax', string | null>>,
    name: string,
  ): CustomerDraft {
    const { plain, personal } = given(fields, phones);
    return {
      status: fields.status ?? 'active',
      plain: { ...DEFAULT_PLAIN, ...plain },
      personal: { ...EMPTY_PERSONAL, ...personal, name },
    };
  }

  function probeOf(fields: ParsedCustomerFields | PersonalFields, iban: string | null, vatId: string | null) {
    const name = displayName(fields).trim();
    return { vatId, iban, email: clean(fields.email), name: name || null, city: clean(fields.billingAddress?.city) };
  }

  /** One event on the customer's stream after `version`, and the projection moved by it, in `tx`. */
  async function move(
    id: string,
    version: number,
    event: NewEvent,
    fact: CustomerFact,
    meta: EventMeta,
    tx: Executor,
  ): Promise<Customer | null> {
    // The stream's version is the row's version: a stale caller gets `conflict` from the append.
    const [stored] = await events.append(customerStream(id), version, [event], meta, tx);
    if (!stored) throw new Error('no event appended');
    return applyCustomerEvent(repo, stored, fact, tx);
  }

  /** As move, for an event after which the customer is still there (all but deletion and merging away). */
  async function record(...args: Parameters<typeof move>): Promise<Customer> {
    const after = await move(...args);
    if (!after) throw new Error(`${args[2].type} left no customer`);
    return after;
  }

  /**
   * Without an expected version a caller means "on whatever is stored now": a change that lost the
   * race to another one (two users, two server instances) is made again on what won. Each round
   * of racers has a winner, so ten tries carry ten edits of one customer at the same moment.
   */
  async function onWhatIsStored<T>(expectedVersion: number | undefined, attempt: () => Promise<T>): Promise<T> {
    for (let tries = 1; ; tries++) {
      try {
        return await attempt();
      } catch (error) {
        const lost = error instanceof AppError && error.details?.['reason'] === 'changed_meanwhile';
        if (!lost || expectedVersion !== undefined || tries >= RACE_RETRIES) throw error;
      }
    }
  }

  /** A change of a stored customer whose event seals something with the customer's data key. */
  async function change(
    current: CustomerRecord,
    build: (key: DataKey) => NewEvent,
    fact: CustomerFact,
    meta: EventMeta,
    expectedVersion: number | undefined,
  ): Promise<Customer> {
    const key = await keyring.dataKey(customerSubject(current.id));
    if (!key) throw new AppError('conflict', "this customer's personal data was erased", { reason: 'customer_erased' });
    return db.transaction((tx) => record(current.id, expectedVersion ?? current.version, build(key), fact, meta, tx));
  }

  const service: CustomersService = {
    async create(fields, meta) {
      const { phones, name } = await check(fields, null);
      const { status, ...full } = draftOf(fields, phones, name);
      const id = ids.next();
      const numbering = await deps.numbering();
      return db.transaction(async (tx) => {
        const number = formatNumber(await repo.nextInSequence('customer', tx), numbering);
        const key = await keyring.dataKey(customerSubject(id), tx, true);
        if (!key) throw new Error('no data key made');
        const fields = { number, status, ...full };
        return record(id, 0, created(key, fields), { kind: 'created', ...fields }, meta, tx);
      });
    },

    async bulk() {
      const numbering = await deps.numbering();
      const homeCountry = await deps.homeCountry();
      return {
        isEmpty: (tx) => repo.isEmpty(tx),
        bulkLoad<T>(tx: Executor, fn: () => Promise<T>, { dropIndexes }: { readonly dropIndexes: boolean }) {
          return tx.withBulkMemory(() =>
            withoutIndexesOf(tx, dropIndexes ? repo.tables : [], () => repo.withWordsDeferred(tx, fn)),
          );
        },
        async check(fields) {
          const { issues, phones, name } = await issuesOf(fields, null, homeCountry);
          return issues.length > 0 ? { ok: false, issues } : { ok: true, draft: draftOf(fields, phones, name) };
        },
        duplicates: (drafts, tx) =>
          repo.likelyDuplicatesMany(
            drafts.map(({ personal }) => probeOf(personal, personal.bankAccount?.iban ?? null, personal.vatId)),
            tx,
          ),
        isOwnNumber: (number) =>
          number.startsWith(numbering.prefix) && /^\d+$/.test(number.slice(numbering.prefix.length)),
        async create(drafts, meta, tx, numbers) {
          if (drafts.length === 0) return [];
          const first = numbers ? 0 : await repo.reserveInSequence('customer', drafts.length, tx);
          const made = drafts.map((draft, i) => ({
            id: ids.next(),
            fact: {
              kind: 'created' as const,
              number: numbers?.[i] ?? formatNumber(first + i, numbering),
              ...draft,
            },
          }));
          const keys = await keyring.createMany(
            made.map(({ id }) => customerSubject(id)),
            tx,
          );
          const keyOf = (id: string) => {
            const key = keys.get(customerSubject(id));
            if (!key) throw new Error(`no data key made for ${id}`);
            return key;
          };
          await events.startMany(
            made.map(({ id, fact }) => ({ stream: customerStream(id), event: created(keyOf(id), fact) })),
            meta,
            tx,
          );
          const records = made.map(({ id, fact }) => createdRecord(id, fact, 1, meta.at));
          await repo.insertMany(records, tx, keys);
          return records;
        },
      };
    },

    get,
    getMany: (list) => repo.getMany(list),

    update: (id, changes, meta, expectedVersion) =>
      onWhatIsStored(expectedVersion, async () => {
        const current = await get(id);
        refuseErased(current);
        const { phones, name } = await check(changes, current);
        const { plain, personal } = given(changes, phones);
        const naming = ['kind', 'name', 'firstName', 'lastName'] as const;
        if (naming.some((field) => changes[field] !== undefined)) personal.name = name;
        // Only what really changes becomes part of the event: the history shows it, and sync merges
        // edits field by field. Nothing changed, nothing is written.
        const plainChanged = Object.fromEntries(
          PLAIN_KEYS.filter((k) => k in plain && !sameValue(plain[k], current[k])).map((k) => [k, plain[k]]),
        ) as PlainChanges;
        const personalChanged = Object.fromEntries(
          PERSONAL_KEYS.filter((k) => k in personal && !sameValue(personal[k], current[k])).map((k) => [
            k,
            personal[k],
          ]),
        ) as PersonalChanges;
        if (Object.keys(plainChanged).length + Object.keys(personalChanged).length === 0) return current;
        return change(
          current,
          (key) => updated(key, plainChanged, personalChanged),
          { kind: 'updated', plain: plainChanged, personal: personalChanged },
          meta,
          expectedVersion,
        );
      }),

    setStatus: (id, to, reason, meta, expectedVersion) =>
      onWhatIsStored(expectedVersion, async () => {
        const current = await get(id);
        refuseErased(current);
        const from = current.status;
        if (!statusEdges[from].includes(to)) {
          throw new AppError('conflict', `a customer cannot move from ${from} to ${to}`, {
            reason: 'status_edge',
            from,
            to,
            allowed: [...statusEdges[from]],
          });
        }
        return change(
          current,
          (key) => statusChanged(key, from, to, reason),
          { kind: 'status', from, to, reason },
          meta,
          expectedVersion,
        );
      }),

    async applyToMany(ids, action, meta, { signal, onProgress } = {}) {
      const result: BulkResult = { changed: 0, unchanged: 0, failed: [] };
      const folded = (tags: readonly string[]) => new Set(tags.map((tag) => tag.toLocaleLowerCase('de')));
      for (const [done, id] of ids.entries()) {
        if (signal?.aborted) break;
        let name: string | null = null;
        try {
          const current = await get(id);
          name = current.erasedAt === null ? current.name : null;
          let after: Customer = current;
          if (action.kind === 'status') {
            if (current.status !== action.status) {
              after = await service.setStatus(id, action.status, action.reason, await meta(), current.version);
            }
          } else {
            const has = folded(current.tags);
            const tags =
              action.kind === 'addTags'
                ? [...current.tags, ...action.tags.filter((tag) => !has.has(tag.toLocaleLowerCase('de')))]
                : action.kind === 'removeTags'
                  ? current.tags.filter((tag) => !folded(action.tags).has(tag.toLocaleLowerCase('de')))
                  : null;
            const changes: ParsedCustomerFields =
              action.kind === 'owner' ? { ownerId: action.ownerId } : { tags: tags ?? current.tags };
            after = await service.update(id, changes, await meta(), current.version);
          }
          if (after.version === current.version) result.unchanged += 1;
          else result.changed += 1;
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          const reason = error.details?.['reason'];
          result.failed.push({
            id,
            name,
            code: error.code,
            reason: typeof reason === 'string' ? reason : null,
            message: error.message,
          });
        }
        onProgress?.(done + 1, ids.length);
      }
      return result;
    },

    async duplicates(fields, excludeId) {
      return repo.likelyDuplicates(
        probeOf(fields, fields.bankAccount?.iban.iban ?? null, fields.vatId?.id ?? null),
        excludeId,
      );
    },

    async list(query) {
      return { ...(await repo.list(query)), limit: query.limit };
    },

    async numberUnnumbered(meta) {
      const missing = await repo.unnumbered();
      const numbering = await deps.numbering();
      await db.transaction(async (tx) => {
        for (const id of missing) {
          const current = await repo.get(id, tx);
          if (!current) continue;
          const number = formatNumber(await repo.nextInSequence('customer', tx), numbering);
          await record(id, current.version, numbered(number), { kind: 'numbered', number }, meta, tx);
        }
      });
      return missing.length;
    },

    async delete(id, meta, expectedVersion) {
      const current = await get(id);
      const stream = await events.readStream(customerStream(id));
      const creator = stream[0]?.meta.userId ?? null;
      // Kontor's own events (numbering at an upgrade) carry no user and count as nobody's.
      let touchedByOthers = stream.some((e) => e.meta.userId !== null && e.meta.userId !== creator);
      for (const dependent of dependents) {
        touchedByOthers ||= await dependent.touchedByOthers(id, creator);
      }
      if (touchedByOthers) {
        throw new AppError(
          'conflict',
          'Only a customer created by mistake can be deleted: other users have worked on this one or logged activities on it. Archive it instead (set its status to archived); its history is kept.',
          { reason: 'customer_in_use' },
        );
      }
      await db.transaction(async (tx) => {
        await move(id, expectedVersion ?? current.version, deleted(), { kind: 'deleted' }, meta, tx);
        for (const dependent of dependents) await dependent.remove(id, meta, tx);
        if (current.erasedAt === null) await keyring.shred(customerSubject(id), tx);
      });
    },

    async merge(sourceId, targetId, meta, expected = {}) {
      if (sourceId === targetId) {
        throw new AppError('validation', 'a customer cannot be merged into itself', {
          reason: 'merge_itself',
          issues: [{ path: 'sourceId', rule: 'merge_itself', message: 'choose another customer' }],
        });
      }
      const source = await get(sourceId);
      const target = await get(targetId);
      refuseErased(source);
      refuseErased(target);
      const { plain, personal } = fillFrom(target, source);
      const key = await keyring.dataKey(customerSubject(targetId));
      if (!key)
        throw new AppError('conflict', "this customer's personal data was erased", { reason: 'customer_erased' });
      return db.transaction(async (tx) => {
        let version = expected.target ?? target.version;
        if (Object.keys(plain).length + Object.keys(personal).length > 0) {
          await record(
            targetId,
            version,
            updated(key, plain, personal),
            { kind: 'updated', plain, personal },
            meta,
            tx,
          );
          version += 1;
        }
        const after = await record(
          targetId,
          version,
          absorbed(sourceId, source.number),
          { kind: 'absorbed', from: sourceId, number: source.number },
          meta,
          tx,
        );
        await move(
          sourceId,
          expected.source ?? source.version,
          merged(targetId),
          { kind: 'merged', into: targetId },
          meta,
          tx,
        );
        for (const dependent of dependents) await dependent.merge(sourceId, targetId, meta, tx);
        return after;
      });
    },

    async absorbedInto(id) {
      const found: { id: string; number: string }[] = [];
      const visit = async (of: string) => {
        for (const event of await events.readStream(customerStream(of))) {
          if (event.type !== customerAbsorbed.type) continue;
          const { from, number } = upcast(customerAbsorbed, event.schemaVersion, event.data);
          found.push({ id: from, number });
          await visit(from);
        }
      };
      await visit(id);
      return found;
    },

    async erase(id, meta) {
      const current = await get(id);
      if (current.erasedAt !== null)
        throw new AppError('conflict', 'this customer was erased already', { reason: 'customer_erased' });
      const mergedIn = await service.absorbedInto(id);
      return db.transaction(async (tx) => {
        const after = await record(id, current.version, erased(), { kind: 'erased' }, meta, tx);
        for (const dependent of dependents) await dependent.erase(id, meta, tx);
        await keyring.shred(customerSubject(id), tx);
        // Customers merged into this one: their logs are part of its history, and go with it.
        for (const from of mergedIn) await keyring.shred(customerSubject(from.id), tx);
        return after;
      });
    },
  };
  return service;
}
