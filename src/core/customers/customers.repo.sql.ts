// The customers projection, in SQL for both dialects (see db/executor.ts). Every write takes the
// transaction of the event append it belongs to, so the table and the log never disagree.
//
// The same columns on both dialects: what people search, sort and filter by is readable, and so
// is `details` (the rest of the record but its secrets); tax number, bank account and notes are
// sealed with the customer's data key in `secrets`, and an IBAN is found for duplicate checks by
// a keyed hash. The search index is the customer_words table (customers.search.ts).
import { createHmac } from 'node:crypto';
import { getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { customerSchema, customerStatuses, type CustomerSummary, type DuplicateReason } from '../../shared/contract';
import { throwIfCancelled } from '../../shared/errors';
import { yieldToEventLoop } from '../yield';
import { isSealed, openJson, sealJson, type DataKey, type Keyring } from '../crypto/keyring';
import { col, rowsInChunks, selectColumns, toNumber, type Executor, toIso, toIsoOrNull, toText } from '../db/executor';
import { customerSubject } from './customers.events';
import { primaryPhone, type CustomerRecord } from './customers.record';
import type { CustomersRepo } from './customers.repo';
import { contactsSqlite } from '../contacts/contacts.schema';
import {
  CUSTOMER_COUNT,
  customersSqlite,
  customerWordListsSqlite,
  customerWordsSqlite,
  sequencesSqlite,
} from './customers.schema';
import { createCustomerLists, type ListOptions } from './customers.list.sql';
import {
  customerWords,
  listOfWords,
  queryWords,
  sortKey,
  sortName,
  wordsOfList,
  type IndexedWord,
} from './customers.search';

const c = customersSqlite;
const w = customerWordsSqlite;
const l = customerWordListsSqlite;
const s = sequencesSqlite;
/** Contact persons' names are words of their customer (see customerWords). */
const k = contactsSqlite;
/** A row read with `selectColumns(c)`: keyed by the definition's property names. */
type Row = Record<keyof typeof c.$inferSelect, unknown>;

/** The readable part of the record beyond the list's columns. */
const detailsSchema = customerSchema.pick({
  firstName: true,
  lastName: true,
  legalForm: true,
  vatId: true,
  phone: true,
  mobile: true,
  fax: true,
  website: true,
  billingAddress: true,
  shippingAddress: true,
  paymentTerms: true,
  creditLimit: true,
  currency: true,
  language: true,
});
const secretsSchema = customerSchema.pick({ taxNumber: true, bankAccount: true, notes: true });
type Secrets = z.infer<typeof secretsSchema>;
const NO_SECRETS: Secrets = { taxNumber: null, bankAccount: null, notes: null };
const DETAIL_KEYS = detailsSchema.keyof().options;
const SECRET_KEYS = secretsSchema.keyof().options;

/** The record's values of `keys`, in a new object. */
function pick<K extends keyof CustomerRecord>(record: CustomerRecord, keys: readonly K[]): Pick<CustomerRecord, K> {
  // A loop, not Object.fromEntries over pairs: a replay picks twice per customer.
  const picked: Partial<Pick<CustomerRecord, K>> = {};
  for (const key of keys) picked[key] = record[key];
  return picked as Pick<CustomerRecord, K>;
}

const hasSecrets = (record: CustomerRecord) => SECRET_KEYS.some((key) => record[key] !== null);

const secretsAad = (id: string) => `${customerSubject(id)}:secrets`;
// Made once: building a zod schema costs far more than using it (replay reads every row).
const statusSchema = z.enum(customerStatuses);
const tagsSchema = z.array(z.string());
const tagsOf = (v: unknown): string[] => tagsSchema.parse(JSON.parse(String(v)));

function summaryOf(row: Row): CustomerSummary {
  return {
    id: String(row.id),
    number: String(row.number),
    kind: row.kind === 'person' ? 'person' : 'company',
    status: statusSchema.parse(row.status),
    name: String(row.name),
    email: toText(row.email),
    phone: toText(row.phone),
    city: toText(row.city),
    country: toText(row.country),
    tags: tagsOf(row.tags),
    ownerId: toText(row.ownerId),
    version: toNumber(row.version),
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
    erasedAt: toIsoOrNull(row.erasedAt),
  };
}

/** The columns a list shows: everything but details, secrets and the derived keys. */
const { details: _d, secrets: _s, ibanHash: _h, sortName: _n, ...summaryColumns } = getTableColumns(c);

export type TenantCustomersRepo = CustomersRepo & {
  clear(tx?: Executor): Promise<void>;
};

/** A row of the word index. */
type WordRow = typeof w.$inferInsert;
/** A customer's words, under the key the index keeps them (its sort key and id). */
interface CustomerEntries {
  readonly sortKey: string;
  readonly customerId: string;
  readonly words: readonly IndexedWord[];
}

function byCustomerKey(a: CustomerEntries, b: CustomerEntries): number {
  if (a.sortKey !== b.sortKey) return a.sortKey < b.sortKey ? -1 : 1;
  return a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0;
}

/**
 * The customers' word rows in the index's own order (rank, word, sort key, customer), so that
 * inserting them appends to the tree, and their word lists in theirs (sort key, customer). The
 * customers are sorted, then their words dealt into one bucket per rank and word in that order,
 * and only the distinct words are sorted — about 2.5 times faster than comparing every row with
 * every other (a replay of 1,000,000 customers sorts some 17,000,000 rows). Sorts `entries` in place.
 */
function inIndexOrder(entries: CustomerEntries[]): { rows: WordRow[]; lists: WordListRow[] } {
  entries.sort(byCustomerKey);
  const byRank = [new Map<string, WordRow[]>(), new Map<string, WordRow[]>(), new Map<string, WordRow[]>()];
  for (const { sortKey, customerId, words } of entries) {
    for (const { word, rank } of words) {
      const bucket = byRank[rank]?.get(word);
      if (bucket) bucket.push({ word, rank, sortKey, customerId });
      else byRank[rank]?.set(word, [{ word, rank, sortKey, customerId }]);
    }
  }
  const rows: WordRow[] = [];
  // Plain string order is the index's (word compared as text), as byCustomerKey's is.
  for (const words of byRank) {
    for (const word of [...words.keys()].sort()) for (const row of words.get(word) ?? []) rows.push(row);
  }
  return { rows, lists: entries.filter((e) => e.words.length > 0).map(listRow) };
}

type WordListRow = typeof l.$inferInsert;
const listRow = ({ sortKey, customerId, words }: CustomerEntries): WordListRow => ({
  sortKey,
  customerId,
  words: listOfWords(words),
});

/**
 * A replay writes its words in sorted runs of about `wordsPerRun` (≈ 30 MB of rows held at once).
 * Tests make runs small, so that words are written before the customers change on later pages.
 */
export const wordRuns = { wordsPerRun: 200_000 };
/** Customers read at once when a replay writes the words of those that changed. */
const WORD_PAGE = 1_000;

/** A replay's search words not yet written, and the customers whose words are written at its end. */
interface WordBuild {
  run: CustomerEntries[];
  /** Words in `run`. */
  words: number;
  readonly changed: Set<string>;
}

export function createCustomersRepo(db: Executor, keyring: Keyring, options: ListOptions = {}): TenantCustomersRepo {
  const customers = db.table(getTableName(c));
  const words = db.table(getTableName(w));
  const wordLists = db.table(getTableName(l));
  const sequences = db.table(getTableName(s));
  const contactsTable = db.table(getTableName(k));
  const all = selectColumns(c);
  const summary = sql.join(
    Object.entries(summaryColumns).map(([property, column]) => sql`${col(column)} AS ${sql.identifier(property)}`),
    sql`, `,
  );
  const lists = createCustomerLists(db, summary, options);
  /** Replays in progress, by their transaction: their search words are written in sorted runs. */
  const building = new WeakMap<Executor, WordBuild>();

  async function ibanHash(iban: string): Promise<string> {
    return createHmac('sha256', await keyring.indexKey())
      .update(`iban:${iban}`)
      .digest('base64url')
      .slice(0, 32);
  }

  /** The stored row of a record: secrets sealed with its data key, the search and sort keys derived. */
  async function toRow(record: CustomerRecord, key: DataKey | null): Promise<typeof c.$inferInsert> {
    const sealing = hasSecrets(record);
    if (sealing && !key) throw new Error(`customer ${record.id} has no data key`);
    return {
      id: record.id,
      number: record.number,
      kind: record.kind,
      status: record.status,
      name: record.name,
      sortName: sortName(record.name),
      email: record.email,
      emailSort: sortKey(record.email),
      phone: primaryPhone(record),
      city: record.city,
      citySort: sortKey(record.city),
      country: record.country,
      tags: JSON.stringify(record.tags),
      ownerId: record.ownerId,
      details: JSON.stringify(pick(record, DETAIL_KEYS)),
      secrets: sealing && key ? sealJson(key, secretsAad(record.id), pick(record, SECRET_KEYS)) : null,
      ibanHash: record.bankAccount ? await ibanHash(record.bankAccount.iban) : null,
      vatId: record.vatId,
      version: record.version,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      erasedAt: record.erasedAt,
    };
  }

  function toRecord(row: Row, key: DataKey | undefined): CustomerRecord {
    const details = detailsSchema.parse(JSON.parse(String(row.details)));
    const sealed = toText(row.secrets);
    const secrets =
      sealed && isSealed(sealed) && key
        ? secretsSchema.parse(openJson(key, secretsAad(String(row.id)), sealed))
        : NO_SECRETS;
    return { ...summaryOf(row), ...details, ...secrets };
  }

  async function records(rows: readonly Row[], tx: Executor): Promise<CustomerRecord[]> {
    const withSecrets = rows.filter((r) => r.secrets !== null).map((r) => customerSubject(String(r.id)));
    const keys = withSecrets.length > 0 ? await keyring.dataKeys(withSecrets, tx) : new Map<string, DataKey>();
    return rows.map((row) => toRecord(row, keys.get(customerSubject(String(row.id)))));
  }

  /** A customer's key in the word index: its sort name and number (see customers.schema.ts). */
  const wordKey = (name: string, number: string) => `${name}\u0001${number}`;
  const sortKeyOf = (record: CustomerRecord) => wordKey(sortName(record.name), record.number);

  /** The names of the customers' contact persons (not erased), by customer. */
  async function contactNames(ids: readonly string[], tx: Executor): Promise<Map<string, string[]>> {
    const rows = await rowsInChunks(ids, (chunk) =>
      tx.rows(sql`SELECT ${col(k.customerId)} AS c, ${col(k.name)} AS n FROM ${contactsTable}
        WHERE ${tx.inList(col(k.customerId), chunk)} AND ${col(k.erasedAt)} IS NULL`),
    );
    const names = new Map<string, string[]>();
    for (const row of rows) {
      const id = String(row['c']);
      names.set(id, [...(names.get(id) ?? []), String(row['n'])]);
    }
    return names;
  }

  /**
   * Writes the customers' search words. `withContacts` adds their contact persons' names; a new
   * customer has none yet (a contact is added after its customer, in the log as in commands), so
   * inserts (replay's pages, imports) skip that lookup.
   */
  async function writeWords(list: readonly CustomerRecord[], tx: Executor, withContacts: boolean): Promise<void> {
    await insertEntries(await entriesOf(list, tx, withContacts), tx);
  }

  async function insertEntries(entries: CustomerEntries[], tx: Executor): Promise<void> {
    const { rows, lists } = inIndexOrder(entries);
    await tx.insert(w, rows);
    await tx.insert(l, lists);
  }

  async function entriesOf(
    list: readonly CustomerRecord[],
    tx: Executor,
    withContacts: boolean,
  ): Promise<CustomerEntries[]> {
    const names = withContacts
      ? await contactNames(
          list.map((r) => r.id),
          tx,
        )
      : new Map<string, string[]>();
    return list.map((record) => ({
      sortKey: sortKeyOf(record),
      customerId: record.id,
      words: customerWords(record, names.get(record.id)),
    }));
  }

  /** Stored customers without their secrets (words need none, so no data key is unwrapped). */
  async function plainRecords(ids: readonly string[], tx: Executor): Promise<CustomerRecord[]> {
    const rows = await rowsInChunks(ids, (chunk) =>
      tx.rows<Row>(sql`SELECT ${all} FROM ${customers} WHERE ${tx.inList(col(c.id), chunk)}`),
    );
    return rows.map((row) => toRecord(row, undefined));
  }

  /** Adds customers' words to a replay's run, and writes the run once it is long enough. */
  async function addToRun(build: WordBuild, entries: readonly CustomerEntries[], tx: Executor): Promise<void> {
    for (const entry of entries) {
      build.run.push(entry);
      build.words += entry.words.length;
    }
    if (build.words >= wordRuns.wordsPerRun) await flushRun(build, tx);
  }

  /** Inserts a replay's run of words in the index's order, leaving out customers changed since. */
  async function flushRun(build: WordBuild, tx: Executor): Promise<void> {
    const entries = build.run.filter((entry) => !build.changed.has(entry.customerId));
    build.run = [];
    build.words = 0;
    await insertEntries(entries, tx);
  }

  /** Removes the customers' words (each row by its full key) and their word lists. */
  async function deleteEntries(entries: readonly CustomerEntries[], tx: Executor): Promise<void> {
    for (const { sortKey, customerId, words: list } of entries) {
      for (const { word, rank } of list) {
        await tx.run(sql`DELETE FROM ${words} WHERE ${col(w.rank)} = ${rank} AND ${col(w.word)} = ${word}
          AND ${col(w.sortKey)} = ${sortKey} AND ${col(w.customerId)} = ${customerId}`);
      }
      await tx.run(
        sql`DELETE FROM ${wordLists} WHERE ${col(l.sortKey)} = ${sortKey} AND ${col(l.customerId)} = ${customerId}`,
      );
    }
  }

  /**
   * During a replay: customers that change after their insert (a later page, a contact added) are
   * written once more at its end, from their final row. The words their insert took, which may
   * already be in the table, are removed by their full key.
   */
  async function markChanged(ids: readonly string[], build: WordBuild, tx: Executor): Promise<void> {
    const fresh = ids.filter((id) => !build.changed.has(id));
    if (fresh.length === 0) return;
    for (const id of fresh) build.changed.add(id);
    await deleteEntries(await entriesOf(await plainRecords(fresh, tx), tx, false), tx);
  }

  /** The end of a replay: the last run, then the changed customers' words from their final rows. */
  async function finishWords(build: WordBuild, tx: Executor, signal: AbortSignal | undefined): Promise<void> {
    await flushRun(build, tx);
    const changed = [...build.changed];
    build.changed.clear();
    for (let i = 0; i < changed.length; i += WORD_PAGE) {
      throwIfCancelled(signal, 'replay cancelled; nothing was changed');
      await addToRun(build, await entriesOf(await plainRecords(changed.slice(i, i + WORD_PAGE), tx), tx, true), tx);
      await yieldToEventLoop();
    }
    await flushRun(build, tx);
  }

  /**
   * A changed customer's words: left alone when they are the same under the same key (most edits
   * touch no searchable field: a website, notes, terms), else the old ones removed and the new
   * ones written. On Postgres that is two queries instead of one per word and two more.
   */
  async function rewriteWords(record: CustomerRecord, storedSortKey: string, tx: Executor): Promise<void> {
    const [entry] = await entriesOf([record], tx, true);
    const [stored] = await tx.column(sql`SELECT ${col(l.words)} FROM ${wordLists}
      WHERE ${col(l.sortKey)} = ${storedSortKey} AND ${col(l.customerId)} = ${record.id}`);
    if (!entry) return;
    if (entry.sortKey === storedSortKey && stored === listOfWords(entry.words)) return;
    if (typeof stored === 'string')
      await deleteEntries([{ sortKey: storedSortKey, customerId: record.id, words: wordsOfList(stored) }], tx);
    await insertEntries([entry], tx);
  }

  /** Removes a customer's words, as its word list under `sortKey` names them. */
  async function dropWords(id: string, sortKey: string, tx: Executor): Promise<void> {
    const [list] = await tx.column(sql`SELECT ${col(l.words)} FROM ${wordLists}
      WHERE ${col(l.sortKey)} = ${sortKey} AND ${col(l.customerId)} = ${id}`);
    if (typeof list !== 'string') return;
    await deleteEntries([{ sortKey, customerId: id, words: wordsOfList(list) }], tx);
  }

  /** The key a customer's words are stored under (its stored sort name and number), if it is stored at `version`. */
  async function storedKey(id: string, version: number, tx: Executor): Promise<string | undefined> {
    const [row] = await tx.rows<Row>(sql`SELECT ${col(c.sortName)} AS ${sql.identifier('sortName')},
      ${col(c.number)} AS ${sql.identifier('number')} FROM ${customers}
      WHERE ${col(c.id)} = ${id} AND ${col(c.version)} = ${version}`);
    return row && wordKey(String(row.sortName), String(row.number));
  }

  /** Many rows at once (replay writes a page of customers in one call). */
  async function insertMany(
    list: readonly CustomerRecord[],
    tx: Executor = db,
    given?: ReadonlyMap<string, DataKey>,
  ): Promise<void> {
    if (list.length === 0) return;
    // Only secrets are sealed here: records without any need no key (most rows of a replay).
    const sealing = list.filter(hasSecrets).map((r) => customerSubject(r.id));
    const keys = given ?? (sealing.length > 0 ? await keyring.dataKeys(sealing, tx) : new Map<string, DataKey>());
    const rows: (typeof c.$inferInsert)[] = [];
    for (const record of list) rows.push(await toRow(record, keys.get(customerSubject(record.id)) ?? null));
    await tx.insert(c, rows);
    await countCustomers(rows.length, tx);
    const build = building.get(tx);
    if (build) await addToRun(build, await entriesOf(list, tx, false), tx);
    else await writeWords(list, tx, false);
    lists.changed();
  }

  async function getMany(ids: readonly string[], tx: Executor = db): Promise<Map<string, CustomerRecord>> {
    const rows = await rowsInChunks(ids, (chunk) =>
      tx.rows<Row>(sql`SELECT ${all} FROM ${customers} WHERE ${tx.inList(col(c.id), chunk)}`),
    );
    return new Map((await records(rows, tx)).map((record) => [record.id, record]));
  }

  /** The number of customers moves with every insert and delete, in their transaction (migration 0015). */
  async function countCustomers(by: number, tx: Executor): Promise<void> {
    await tx.run(
      sql`UPDATE ${sequences} SET ${col(s.next)} = ${col(s.next)} + ${by} WHERE ${col(s.name)} = ${CUSTOMER_COUNT}`,
    );
  }

  /** The counter holds the next free value; taking `count` moves it on by `count`. */
  async function reserveInSequence(name: string, count: number, tx: Executor): Promise<number> {
    const [row] =
      await tx.rows(sql`INSERT INTO ${sequences} (${col(s.name)}, ${col(s.next)}) VALUES (${name}, ${1 + count})
      ON CONFLICT (${col(s.name)}) DO UPDATE SET ${col(s.next)} = ${sequences}.${col(s.next)} + ${count}
      RETURNING ${col(s.next)} AS next`);
    return toNumber(row?.['next']) - count;
  }

  return {
    async insert(record, tx = db) {
      await insertMany([record], tx);
    },
    insertMany,
    async get(id, tx = db) {
      return (await getMany([id], tx)).get(id) ?? null;
    },
    getMany,
    async replace(record, tx = db, fromVersion = record.version - 1) {
      const key = hasSecrets(record) ? await keyring.dataKey(customerSubject(record.id), tx) : null;
      const { id: _id, createdAt: _created, ...changes } = await toRow(record, key);
      const sets = (Object.keys(changes) as (keyof typeof changes)[]).map(
        (property) => sql`${col(c[property])} = ${changes[property] ?? null}`,
      );
      const build = building.get(tx);
      if (build) await markChanged([record.id], build, tx);
      const stored = build ? undefined : await storedKey(record.id, fromVersion, tx);
      const changed = await tx.run(sql`UPDATE ${customers} SET ${sql.join(sets, sql`, `)}
        WHERE ${col(c.id)} = ${record.id} AND ${col(c.version)} = ${fromVersion}`);
      if (changed === 1 && stored) await rewriteWords(record, stored, tx);
      lists.changed();
      return changed === 1;
    },
    async reindex(ids, tx) {
      if (ids.length === 0) return;
      const build = building.get(tx);
      if (build) return markChanged(ids, build, tx);
      const stored = await getMany(ids, tx);
      for (const record of stored.values()) await dropWords(record.id, sortKeyOf(record), tx);
      await writeWords([...stored.values()], tx, true);
      lists.changed();
    },
    async remove(id, tx, fromVersion) {
      const build = building.get(tx);
      if (build) await markChanged([id], build, tx);
      const stored = build ? undefined : await storedKey(id, fromVersion, tx);
      const removed = await tx.run(
        sql`DELETE FROM ${customers} WHERE ${col(c.id)} = ${id} AND ${col(c.version)} = ${fromVersion}`,
      );
      if (removed === 1) await countCustomers(-1, tx);
      if (removed === 1 && stored) await dropWords(id, stored, tx);
      lists.changed();
      return removed === 1;
    },
    async likelyDuplicates(probe, excludeId, tx = db) {
      const reasons = new Map<string, Set<DuplicateReason>>();
      const find = async (reason: DuplicateReason, condition: SQL) => {
        const rows = await tx.rows(sql`SELECT ${col(c.id)} AS id FROM ${customers} WHERE ${condition}
          AND ${col(c.erasedAt)} IS NULL ${excludeId ? sql`AND ${col(c.id)} <> ${excludeId}` : sql``} LIMIT 10`);
        for (const row of rows) {
          const id = String(row['id']);
          reasons.set(id, (reasons.get(id) ?? new Set()).add(reason));
        }
      };
      if (probe.vatId) await find('vatId', sql`${col(c.vatId)} = ${probe.vatId}`);
      if (probe.iban) await find('iban', sql`${col(c.ibanHash)} = ${await ibanHash(probe.iban)}`);
      if (probe.email) await find('email', sql`${col(c.emailSort)} = ${sortKey(probe.email)}`);
      if (probe.name && probe.city) {
        await find(
          'nameAndCity',
          sql`${col(c.sortName)} = ${sortName(probe.name)} AND ${col(c.citySort)} = ${sortKey(probe.city)}`,
        );
      }
      if (reasons.size === 0) return [];
      const rows = await tx.rows<Row>(
        sql`SELECT ${summary} FROM ${customers} WHERE ${tx.inList(col(c.id), [...reasons.keys()])}`,
      );
      return rows
        .map((row) => ({ customer: summaryOf(row), reasons: [...(reasons.get(String(row.id)) ?? [])] }))
        .sort((a, b) => b.reasons.length - a.reasons.length || a.customer.name.localeCompare(b.customer.name));
    },
    async likelyDuplicatesMany(probes, tx = db) {
      const found = probes.map(() => new Map<string, Set<DuplicateReason>>());
      const note = (i: number, id: string, reason: DuplicateReason) => {
        const mine = found[i];
        // At most 10 customers per reason and probe, as for one probe.
        if (!mine || (!mine.has(id) && [...mine.values()].filter((r) => r.has(reason)).length >= 10)) return;
        mine.set(id, (mine.get(id) ?? new Set()).add(reason));
      };
      const notErased = sql`${col(c.erasedAt)} IS NULL`;
      /** One query per 500 keys: the customers whose `column` is one of the probes' keys. */
      const lookup = async (reason: DuplicateReason, column: SQL, keys: readonly (string | null)[]) => {
        const wanted = new Map<string, number[]>();
        keys.forEach((key, i) => {
          if (key) wanted.set(key, [...(wanted.get(key) ?? []), i]);
        });
        const rows = await rowsInChunks([...wanted.keys()], (chunk) =>
          tx.rows(sql`SELECT ${col(c.id)} AS id, ${column} AS k FROM ${customers}
            WHERE ${tx.inList(column, chunk)} AND ${notErased}`),
        );
        for (const row of rows) for (const i of wanted.get(String(row['k'])) ?? []) note(i, String(row['id']), reason);
      };
      await lookup(
        'vatId',
        col(c.vatId),
        probes.map((p) => p.vatId ?? null),
      );
      const hashes: (string | null)[] = [];
      for (const p of probes) hashes.push(p.iban ? await ibanHash(p.iban) : null);
      await lookup('iban', col(c.ibanHash), hashes);
      await lookup(
        'email',
        col(c.emailSort),
        probes.map((p) => (p.email ? sortKey(p.email) : null)),
      );
      // Name and city together: pairs of keys, as row values.
      const pairs = new Map<string, { name: string; city: string; at: number[] }>();
      probes.forEach((p, i) => {
        if (!p.name || !p.city) return;
        const name = sortName(p.name);
        const city = sortKey(p.city);
        const key = `${name}\u0000${city}`;
        const pair = pairs.get(key) ?? { name, city, at: [] };
        pair.at.push(i);
        pairs.set(key, pair);
      });
      const pairRows = await rowsInChunks([...pairs.keys()], (chunk) => {
        const values = chunk.map((key) => {
          const pair = pairs.get(key);
          return sql`(${pair?.name ?? ''}, ${pair?.city ?? ''})`;
        });
        return tx.rows(sql`SELECT ${col(c.id)} AS id, ${col(c.sortName)} AS n, ${col(c.citySort)} AS k FROM ${customers}
          WHERE (${col(c.sortName)}, ${col(c.citySort)}) IN (VALUES ${sql.join(values, sql`, `)}) AND ${notErased}`);
      });
      for (const row of pairRows) {
        for (const i of pairs.get(`${String(row['n'])}\u0000${String(row['k'])}`)?.at ?? []) {
          note(i, String(row['id']), 'nameAndCity');
        }
      }
      const ids = [...new Set(found.flatMap((m) => [...m.keys()]))];
      const summaries = new Map(
        (
          await rowsInChunks(ids, (chunk) =>
            tx.rows<Row>(sql`SELECT ${summary} FROM ${customers} WHERE ${tx.inList(col(c.id), chunk)}`),
          )
        ).map((row) => [String(row.id), summaryOf(row)]),
      );
      return found.map((reasons) =>
        [...reasons]
          .flatMap(([id, why]) => {
            const customer = summaries.get(id);
            return customer ? [{ customer, reasons: [...why] }] : [];
          })
          .sort((a, b) => b.reasons.length - a.reasons.length || a.customer.name.localeCompare(b.customer.name)),
      );
    },
    async list(query) {
      const terms = query.search ? queryWords(query.search) : [];
      const { rows, ...page } = await (terms.length > 0 ? lists.search(query, terms) : lists.list(query));
      return { ...page, items: rows.map((row) => summaryOf(row as Row)) };
    },
    async inactiveSince(cutoff) {
      const rows = await db.rows<Row>(sql`SELECT ${all} FROM ${customers}
        WHERE ${col(c.erasedAt)} IS NULL AND ${col(c.updatedAt)} < ${cutoff} ORDER BY ${col(c.updatedAt)}, ${col(c.id)}`);
      return records(rows, db);
    },
    async unnumbered(tx = db) {
      const rows = await tx.rows(sql`SELECT ${col(c.id)} AS id FROM ${customers} WHERE ${col(c.number)} = ''
        ORDER BY ${col(c.createdAt)}, ${col(c.id)}`);
      return rows.map((r) => String(r['id']));
    },
    nextInSequence: (name, tx) => reserveInSequence(name, 1, tx),
    reserveInSequence,
    tables: [getTableName(c), getTableName(w)],
    async withWordsDeferred<T>(tx: Executor, run: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      const build: WordBuild = { run: [], words: 0, changed: new Set() };
      building.set(tx, build);
      let value: T;
      try {
        value = await run();
      } finally {
        building.delete(tx);
      }
      await finishWords(build, tx, signal);
      return value;
    },
    async byNumbers(numbers, tx = db) {
      const rows = await rowsInChunks(numbers, (chunk) =>
        tx.rows(sql`SELECT ${col(c.number)} AS number, ${col(c.id)} AS id, ${col(c.erasedAt)} AS erased
          FROM ${customers} WHERE ${tx.inList(col(c.number), chunk)}`),
      );
      return new Map(
        rows.map((row) => [String(row['number']), { id: String(row['id']), erased: row['erased'] !== null }]),
      );
    },
    async isEmpty(tx = db) {
      return (await tx.rows(sql`SELECT 1 AS one FROM ${customers} LIMIT 1`)).length === 0;
    },
    async clear(tx = db) {
      await tx.run(sql`DELETE FROM ${customers}`);
      await tx.run(sql`UPDATE ${sequences} SET ${col(s.next)} = 0 WHERE ${col(s.name)} = ${CUSTOMER_COUNT}`);
      await tx.run(sql`DELETE FROM ${words}`);
      await tx.run(sql`DELETE FROM ${wordLists}`);
      lists.changed();
    },
  };
}
