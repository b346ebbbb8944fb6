// Contact persons of company customers. Every change is an event in the person's own stream,
// sealed with their own data key; the customer_contacts table is a projection updated in the same
// transaction. Removing a contact or erasing them shreds their key.
import { getTableName, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Contact, ParsedContactFields } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { checkPhone } from '../../shared/identifiers';
import { isSealed, openJson, sealJson, type DataKey, type Keyring } from '../crypto/keyring';
import type { CustomersRepo } from '../customers/customers.repo';
import { findCustomer, refuseErased, type CustomerDependents } from '../customers/customers.service';
import { sortName } from '../customers/customers.search';
import { col, rowsInChunks, selectColumns, toNumber, type Executor, toIso, toIsoOrNull } from '../db/executor';
import type { IdSource } from '../deps';
import type { EventMeta, EventStore, NewEvent, StoredEvent } from '../events/event-store';
import type { StreamRows } from '../events/stream-records';
import {
  added,
  changed,
  contactAdded,
  contactIdOf,
  contactStream,
  contactSubject,
  decodeContacts,
  erased,
  moved,
  nextContact,
  readableContactChanges,
  removed,
  type ContactFact,
  type ContactPersonal,
  type ContactPersonalChanges,
  type ContactRecord,
} from './contacts.events';
import { contactsSqlite } from './contacts.schema';

const t = contactsSqlite;
type Row = Record<keyof typeof t.$inferSelect, unknown>;
const secretsSchema = z.object({
  role: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
});
const NO_SECRETS = { role: null, email: null, phone: null };
const secretsAad = (id: string) => `${contactSubject(id)}:secrets`;

/** The contacts projection: rows keyed by contact id, secrets sealed with each contact's key. */
export function createContactsRepo(db: Executor, keyring: Keyring) {
  const contacts = db.table(getTableName(t));

  async function records(rows: readonly Row[], tx: Executor): Promise<ContactRecord[]> {
    const sealed = rows.filter((r) => r.secrets !== null).map((r) => contactSubject(String(r.id)));
    const keys = sealed.length > 0 ? await keyring.dataKeys(sealed, tx) : new Map<string, DataKey>();
    return rows.map((row) => {
      const id = String(row.id);
      const key = keys.get(contactSubject(id));
      const secrets =
        isSealed(row.secrets) && key ? secretsSchema.parse(openJson(key, secretsAad(id), row.secrets)) : NO_SECRETS;
      return {
        id,
        customerId: String(row.customerId),
        name: String(row.name),
        ...secrets,
        primary: toNumber(row.primary) === 1,
        version: toNumber(row.version),
        createdAt: toIso(row.createdAt),
        updatedAt: toIso(row.updatedAt),
        erasedAt: toIsoOrNull(row.erasedAt),
      };
    });
  }

  async function load(ids: readonly string[], tx: Executor = db): Promise<Map<string, ContactRecord>> {
    const rows = await rowsInChunks(ids, (chunk) =>
      tx.rows<Row>(sql`SELECT ${selectColumns(t)} FROM ${contacts} WHERE ${tx.inList(col(t.id), chunk)}`),
    );
    return new Map((await records(rows, tx)).map((r) => [r.id, r]));
  }

  /**
   * Writes the rows of `ids` (`list` replaces them; ids without a record are removed). Returns the
   * customers whose contacts changed, before and after (their search words follow the names).
   */
  async function write(ids: readonly string[], list: readonly ContactRecord[], tx: Executor): Promise<Set<string>> {
    const before = await rowsInChunks(ids, async (chunk) => {
      const owners = await tx.rows(
        sql`SELECT ${col(t.customerId)} AS c FROM ${contacts} WHERE ${tx.inList(col(t.id), chunk)}`,
      );
      await tx.run(sql`DELETE FROM ${contacts} WHERE ${tx.inList(col(t.id), chunk)}`);
      return owners.map((row) => String(row['c']));
    });
    const touched = new Set([...before, ...list.map((r) => r.customerId)]);
    const sealing = list.filter((r) => r.erasedAt === null).map((r) => contactSubject(r.id));
    const keys = sealing.length > 0 ? await keyring.dataKeys(sealing, tx) : new Map<string, DataKey>();
    await tx.insert(
      t,
      list.map((r) => {
        const key = keys.get(contactSubject(r.id));
        const secrets = { role: r.role, email: r.email, phone: r.phone };
        const hasSecrets = Object.values(secrets).some((v) => v !== null);
        return {
          id: r.id,
          customerId: r.customerId,
          name: r.name,
          sortName: sortName(r.name),
          primary: r.primary ? 1 : 0,
          secrets: hasSecrets && key ? sealJson(key, secretsAad(r.id), secrets) : null,
          version: r.version,
          createdAt: r.createdAt,
          updatedAt: r.updatedAt,
          erasedAt: r.erasedAt,
        };
      }),
    );
    return touched;
  }

  return {
    load,
    write,
    async ofCustomer(customerId: string, tx: Executor = db): Promise<ContactRecord[]> {
      const rows = await tx.rows<Row>(sql`SELECT ${selectColumns(t)} FROM ${contacts}
        WHERE ${col(t.customerId)} = ${customerId} ORDER BY ${col(t.primary)} DESC, ${col(t.sortName)}, ${col(t.id)}`);
      return records(rows, tx);
    },
    async clear(tx: Executor) {
      await tx.run(sql`DELETE FROM ${contacts}`);
    },
  };
}
export type ContactsRepo = ReturnType<typeof createContactsRepo>;

/** How replay folds contact events onto the projection (and the customers' search words after). */
export function contactRows(repo: ContactsRepo, customers: CustomersRepo): StreamRows<ContactRecord, ContactFact> {
  return {
    idOf: contactIdOf,
    starts: (event) => event.type === contactAdded.type,
    load: repo.load,
    next: nextContact,
    write: async (ids, list, tx) => customers.reindex([...(await repo.write(ids, list, tx))], tx),
  };
}

export interface ContactsServiceDeps {
  readonly db: Executor;
  readonly repo: ContactsRepo;
  readonly customers: CustomersRepo;
  readonly events: EventStore;
  readonly keyring: Keyring;
  readonly ids: IdSource;
  /** The country of phone numbers typed without a country code when the customer has no address. */
  readonly homeCountry: () => Promise<string>;
}

/** Empty optional text means "not given": stored as null. */
const clean = (value: string | null | undefined) =>
  value === undefined || value === null || value.trim() === '' ? null : value.trim();

export function createContactsService(deps: ContactsServiceDeps) {
  const { db, repo, events, keyring, ids } = deps;

  /** The customer a contact belongs to, which must not be erased. */
  async function customerOf(customerId: string, tx?: Executor) {
    const customer = await findCustomer(deps.customers, events, customerId, tx);
    refuseErased(customer);
    return customer;
  }

  async function get(id: string, tx?: Executor): Promise<ContactRecord> {
    const found = (await repo.load([id], tx)).get(id);
    if (!found) throw new AppError('not_found', `no contact person with id ${id}`, { reason: 'no_contact' });
    return found;
  }

  /** The personal fields in stored form; a phone number without + is read in the customer's country. */
  async function personalOf(
    fields: Partial<ParsedContactFields>,
    country: string | null,
  ): Promise<ContactPersonalChanges> {
    const out: { -readonly [K in keyof ContactPersonal]?: ContactPersonal[K] } = {};
    if (fields.name !== undefined) out.name = fields.name.trim();
    if (fields.role !== undefined) out.role = clean(fields.role);
    if (fields.email !== undefined) out.email = clean(fields.email);
    if (fields.phone !== undefined) {
      const text = clean(fields.phone);
      if (text === null) out.phone = null;
      else {
        const checked = checkPhone(text, country ?? (await deps.homeCountry()));
        if (!checked.ok) {
          throw new AppError('validation', 'invalid contact: phone: not a valid phone number', {
            issues: [{ path: 'phone', rule: 'phone', message: 'not a valid phone number' }],
          });
        }
        out.phone = checked.value;
      }
    }
    return out;
  }

  /** Appends one event to a contact's stream after `version` and moves its row, in `tx`. */
  async function record(
    id: string,
    version: number,
    event: NewEvent,
    fact: ContactFact,
    current: ContactRecord | null,
    meta: EventMeta,
    tx: Executor,
  ): Promise<ContactRecord | null> {
    const [stored] = await events.append(contactStream(id), version, [event], meta, tx);
    if (!stored) throw new Error('no event appended');
    const next = nextContact(current, stored, fact);
    await deps.customers.reindex([...(await repo.write([id], next ? [next] : [], tx))], tx);
    return next;
  }

  /** The other primary contacts of the customer lose the flag (one primary per customer). */
  async function demoteOthers(customerId: string, keep: string, meta: EventMeta, tx: Executor) {
    for (const other of await repo.ofCustomer(customerId, tx)) {
      if (other.id === keep || !other.primary) continue;
      await record(
        other.id,
        other.version,
        changed(null, false, {}),
        { kind: 'changed', primary: false, personal: {} },
        other,
        meta,
        tx,
      );
    }
  }

  function refuseErasedContact(contact: ContactRecord) {
    if (contact.erasedAt !== null) {
      throw new AppError('conflict', "this contact person's data was erased", { reason: 'contact_erased' });
    }
  }

  /** Every contact of a customer gets `event` (their keys shredded after), inside the customer's transaction. */
  async function endAll(customerId: string, meta: EventMeta, tx: Executor, how: 'erase' | 'remove') {
    for (const contact of await repo.ofCustomer(customerId, tx)) {
      if (how === 'erase' && contact.erasedAt !== null) continue;
      const [event, fact] =
        how === 'erase' ? [erased(), { kind: 'erased' } as const] : [removed(), { kind: 'removed' } as const];
      await record(contact.id, contact.version, event, fact, contact, meta, tx);
      await keyring.shred(contactSubject(contact.id), tx);
    }
  }

  const dependents: CustomerDependents = {
    erase: (customerId, meta, tx) => endAll(customerId, meta, tx, 'erase'),
    remove: (customerId, meta, tx) => endAll(customerId, meta, tx, 'remove'),
    touchedByOthers: async () => false,
    async merge(from, into, meta, tx) {
      // The customer that stays keeps its primary contact; the others come as further contacts.
      const hasPrimary = (await repo.ofCustomer(into, tx)).some((c) => c.primary && c.erasedAt === null);
      for (const contact of await repo.ofCustomer(from, tx)) {
        const primary = contact.primary && !hasPrimary;
        await record(
          contact.id,
          contact.version,
          moved(into, primary),
          { kind: 'moved', customerId: into, primary },
          contact,
          meta,
          tx,
        );
      }
    },
  };

  return {
    dependents,
    get: (id: string): Promise<Contact> => get(id),
    async list(customerId: string): Promise<Contact[]> {
      await findCustomer(deps.customers, events, customerId);
      return repo.ofCustomer(customerId);
    },

    async add(customerId: string, fields: ParsedContactFields, meta: EventMeta): Promise<Contact> {
      const customer = await customerOf(customerId);
      if (customer.kind !== 'company') {
        throw new AppError('conflict', 'only a company customer has contact persons', {
          reason: 'contacts_need_company',
        });
      }
      const personal = {
        name: '',
        role: null,
        email: null,
        phone: null,
        ...(await personalOf(fields, customer.country)),
      };
      const id = ids.next();
      return db.transaction(async (tx) => {
        const others = await repo.ofCustomer(customerId, tx);
        // The first contact is the primary one unless said otherwise.
        const primary = fields.primary ?? !others.some((o) => o.primary && o.erasedAt === null);
        const key = await keyring.dataKey(contactSubject(id), tx, true);
        if (!key) throw new Error('no data key made');
        const made = await record(
          id,
          0,
          added(key, customerId, primary, personal),
          { kind: 'added', customerId, primary, personal },
          null,
          meta,
          tx,
        );
        if (primary) await demoteOthers(customerId, id, meta, tx);
        if (!made) throw new Error('no contact made');
        return made;
      });
    },

    async update(
      id: string,
      changes: Partial<ParsedContactFields>,
      meta: EventMeta,
      expectedVersion?: number,
    ): Promise<Contact> {
      const current = await get(id);
      refuseErasedContact(current);
      const customer = await customerOf(current.customerId);
      const personal = await personalOf(changes, customer.country);
      const personalChanged = Object.fromEntries(
        Object.entries(personal).filter(([k, v]) => current[k as keyof ContactPersonal] !== v),
      ) as ContactPersonalChanges;
      const primary =
        changes.primary !== undefined && changes.primary !== current.primary ? changes.primary : undefined;
      if (Object.keys(personalChanged).length === 0 && primary === undefined) return current;
      return db.transaction(async (tx) => {
        const key = await keyring.dataKey(contactSubject(id), tx);
        const next = await record(
          id,
          expectedVersion ?? current.version,
          changed(key, primary, personalChanged),
          { kind: 'changed', ...(primary !== undefined && { primary }), personal: personalChanged },
          current,
          meta,
          tx,
        );
        if (primary) await demoteOthers(current.customerId, id, meta, tx);
        if (!next) throw new Error('contact gone after a change');
        return next;
      });
    },

    async remove(id: string, meta: EventMeta, expectedVersion?: number): Promise<void> {
      const current = await get(id);
      await db.transaction(async (tx) => {
        await record(id, expectedVersion ?? current.version, removed(), { kind: 'removed' }, current, meta, tx);
        await keyring.shred(contactSubject(id), tx);
      });
    },

    async erase(id: string, meta: EventMeta): Promise<Contact> {
      const current = await get(id);
      if (current.erasedAt !== null) {
        throw new AppError('conflict', 'this contact person was erased already', { reason: 'contact_erased' });
      }
      return db.transaction(async (tx) => {
        const after = await record(id, current.version, erased(), { kind: 'erased' }, current, meta, tx);
        await keyring.shred(contactSubject(id), tx);
        if (!after) throw new Error('contact gone after erasure');
        return after;
      });
    },

    /** The person's events as people read them (for their data export). */
    async history(id: string): Promise<{ event: StoredEvent; changes: Record<string, unknown> }[]> {
      const stream = await events.readStream(contactStream(id));
      const facts = await decodeContacts(stream, keyring);
      return stream.map((event, i) => ({ event, changes: readableContactChanges(facts[i] as ContactFact) }));
    },
  };
}
export type ContactsService = ReturnType<typeof createContactsService>;
