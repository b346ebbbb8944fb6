// Pages of the customer list and of searches, for both dialects. Every page is a keyset query:
// it continues after the key of a row (the order's columns, which an index holds whole), so the
// millionth row costs what the first does. A list also answers a row position (a grid's scrollbar
// dragged to row 700,000): the keys of every ANCHOR_EVERY-th row of an order are remembered, built
// the first time a position needs them and kept until the data changes; from the nearest one a
// page skips fewer than ANCHOR_EVERY rows. Near the end the order is read backwards.
import { getTableName, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import type { CustomerListQuery, CustomerSortKey } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { col, rowsInChunks, toNumber, type Executor, type Row } from '../db/executor';
import { activitiesSqlite as a } from '../activities/activities.schema';
import { eventsSqlite } from '../events/events.schema';
import {
  CUSTOMER_COUNT,
  customersSqlite as c,
  customerWordListsSqlite as l,
  customerWordsSqlite as w,
  sequencesSqlite,
} from './customers.schema';
import { listNeedle, prefixEnd, wordsOfList } from './customers.search';

/** The keys of every this many rows of a list order are remembered for jumps. */
const ANCHOR_EVERY = 500;
/** A search's count looks at most at this many entries of the driving word (then estimates). */
const COUNT_ENTRIES = 1_000;
/** Index entries counted per query word (to choose the driving word and scale the estimate). */
const DRIVER_PROBE = 20_000;
/**
 * A query of several words is answered from its words' index entries read whole and intersected in
 * memory when the other words have at most this many entries together, and at most SET_RATIO times
 * as many as the driving word (see search()).
 */
const SET_ENTRIES = 30_000;
const SET_RATIO = 10;
/** Up to this many customers found that way, only their entries of the driving word are read as rows. */
const ORDERED_BY_LIST = 1_000;
/** List orders whose counts and anchors are kept (per filter set and sort). */
const CACHED_ORDERS = 16;

/** The values of a row's order key, as a cursor carries them. */
type Key = (string | number)[];

/** Every order ends in name, number and id: ties are broken the same way everywhere. */
const ORDERS: Record<CustomerSortKey, readonly SQLiteColumn[]> = {
  name: [c.sortName, c.number, c.id],
  number: [c.number, c.id],
  email: [c.emailSort, c.sortName, c.number, c.id],
  city: [c.citySort, c.sortName, c.number, c.id],
  status: [c.status, c.sortName, c.number, c.id],
  createdAt: [c.createdAt, c.sortName, c.number, c.id],
  updatedAt: [c.updatedAt, c.sortName, c.number, c.id],
};
const SEARCH_ORDER = [w.word, w.sortKey, w.customerId] as const;
/** A search entry's place in the index (rank first), as its cursor carries it. */
const entryKey = (row: Row): Key => [toNumber(row['r']), ...SEARCH_ORDER.map((column) => keyValue(row[column.name]))];
/** The customer of a search entry. */
const customerOf = (row: Row) => String(row[w.customerId.name]);

const cursorSchema = z.object({
  o: z.string(),
  k: z
    .array(z.union([z.string(), z.number()]))
    .min(1)
    .max(6),
});

function encodeCursor(order: string, key: Key): string {
  return Buffer.from(JSON.stringify({ o: order, k: key })).toString('base64url');
}

function decodeCursor(cursor: string, order: string, length: number): Key {
  let parsed: z.infer<typeof cursorSchema> | undefined;
  try {
    parsed = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.o !== order || parsed.k.length !== length) {
    throw new AppError('validation', 'This page belongs to another order or search; start again from the top', {
      issues: [{ path: 'cursor', rule: 'cursor', message: 'Not a cursor of this list order' }],
    });
  }
  return parsed.k;
}

/** A key value as a cursor carries it: timestamps (Dates from Postgres) as ISO text. */
const keyValue = (v: unknown): string | number =>
  v instanceof Date ? v.toISOString() : typeof v === 'number' ? v : String(v);

/**
 * Two keys compared as the index compares them: numbers as numbers, text by its bytes in UTF-8
 * (SQLite's BINARY, Postgres' COLLATE "C"; a uuid's text sorts as its bytes).
 */
function compareKeys(a: Key, b: Key): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    const order =
      typeof x === 'number' && typeof y === 'number'
        ? x - y
        : Buffer.compare(Buffer.from(String(x), 'utf8'), Buffer.from(String(y), 'utf8'));
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/** `(a, b, c) > (x, y, z)`: a row comparison both dialects answer from an index. */
function after(columns: SQL[], key: Key, direction: 'asc' | 'desc'): SQL {
  const op = sql.raw(direction === 'asc' ? '>' : '<');
  return sql`(${sql.join(columns, sql`, `)}) ${op} (${sql.join(
    key.map((v) => sql`${v}`),
    sql`, `,
  )})`;
}

/** The start of a day or an instant, as stored (ISO text in UTC). */
const instant = (bound: string) => new Date(bound.length === 10 ? `${bound}T00:00:00.000Z` : bound).toISOString();
/** An upper bound: a day includes the whole day; an instant is exclusive. */
const until = (bound: string) =>
  bound.length === 10 ? new Date(Date.parse(`${bound}T00:00:00.000Z`) + 86_400_000).toISOString() : instant(bound);

interface OrderState {
  mark: string;
  total?: number;
  /** Keys of the ascending order before every anchorEvery-th row ([0] is the start), once built. */
  building?: Promise<(Key | null)[]>;
}

export interface CustomerListPage {
  rows: Row[];
  total: number;
  exact: boolean;
  atLeast?: boolean;
  position: number;
  next: string | null;
}

export interface ListOptions {
  /** Spacing of the remembered keys (tests make it small to reach many anchors with few rows). */
  readonly anchorEvery?: number;
  /** Entries a search's count looks at before it estimates (tests make it small). */
  readonly countEntries?: number;
  /** Entries per word up to which a query of several words reads its words whole (tests set 0). */
  readonly setEntries?: number;
  /** Customers found that way up to which only their entries are read as rows (tests set 0). */
  readonly orderedByList?: number;
  /** Index entries per query word counted at most (tests make it small). */
  readonly driverProbe?: number;
}

/** The customer (table alias `alias`) has the tag, in any case: its tags are a JSON array. */
export function hasTag(db: Pick<Executor, 'dialect'>, alias: string | undefined, tag: string): SQL {
  const tags = col(c.tags, alias);
  return db.dialect === 'sqlite'
    ? sql`EXISTS (SELECT 1 FROM json_each(${tags}) WHERE lower(value) = lower(${tag}))`
    : sql`EXISTS (SELECT 1 FROM jsonb_array_elements_text(${tags}::jsonb) t WHERE lower(t) = lower(${tag}))`;
}

export function createCustomerLists(
  db: Executor,
  summary: SQL,
  {
    anchorEvery = ANCHOR_EVERY,
    countEntries = COUNT_ENTRIES,
    setEntries = SET_ENTRIES,
    orderedByList = ORDERED_BY_LIST,
    driverProbe = DRIVER_PROBE,
  }: ListOptions = {},
) {
  const customers = db.table(getTableName(c));
  const sequences = db.table(getTableName(sequencesSqlite));
  const words = db.table(getTableName(w));
  const wordLists = db.table(getTableName(l));
  const events = db.table(getTableName(eventsSqlite));
  const activities = db.table(getTableName(a));
  const orders = new Map<string, OrderState>();
  let localWrites = 0;

  /**
   * What changes whenever a list could: the newest event of the store (every command appends one,
   * on any desk or process), this process's projection writes (a replay appends nothing) and, on
   * SQLite, any commit of another connection to the file (`data_version`).
   */
  async function changeMark(): Promise<string> {
    const [row] = await db.rows(sql`SELECT max(${col(eventsSqlite.position)}) AS p FROM ${events}`);
    const [file] = db.dialect === 'sqlite' ? await db.rows(sql.raw('PRAGMA data_version')) : [];
    return `${localWrites}:${toNumber(row?.['p'] ?? 0)}:${toNumber(file?.['data_version'] ?? 0)}`;
  }

  /** The counts and anchors of one filtered order, fresh for `mark`. */
  function stateOf(signature: string, mark: string): OrderState {
    let state = orders.get(signature);
    if (!state || state.mark !== mark) {
      state = { mark };
      if (orders.size >= CACHED_ORDERS) orders.delete(orders.keys().next().value as string);
    }
    orders.delete(signature);
    orders.set(signature, state);
    return state;
  }

  /** Filters of the list other than the search, on the customers table (aliased `alias`). */
  function filters(query: CustomerListQuery, alias?: string, byOrder = false): SQL[] {
    const out: SQL[] = [];
    // SQLite: a unary + keeps a filter column from choosing the index (`+status IN (…)`), so a
    // page reads the index of its order and checks the filter there (each order index ends in
    // status) instead of sorting every row the filter's own index finds.
    const ref = (column: SQLiteColumn) =>
      byOrder && db.dialect === 'sqlite' ? sql`+${col(column, alias)}` : col(column, alias);
    const anyOf = (column: SQLiteColumn, values: readonly string[]) =>
      sql`${ref(column)} IN (${sql.join(
        values.map((v) => sql`${v}`),
        sql`, `,
      )})`;
    if (query.ids?.length)
      out.push(
        sql`${col(c.id, alias)} IN (${sql.join(
          query.ids.map((id) => sql`${id}`),
          sql`, `,
        )})`,
      );
    if (query.status?.length) out.push(anyOf(c.status, query.status));
    if (query.country?.length) out.push(anyOf(c.country, query.country));
    if (query.owner?.length) {
      const ids = query.owner.filter((o) => o !== 'none');
      const either = [
        ...(ids.length > 0 ? [anyOf(c.ownerId, ids)] : []),
        ...(query.owner.includes('none') ? [sql`${ref(c.ownerId)} IS NULL`] : []),
      ];
      out.push(sql`(${sql.join(either, sql` OR `)})`);
    }
    for (const tag of query.tags ?? []) out.push(hasTag(db, alias, tag));
    const range = (column: SQLiteColumn, from: string | undefined, to: string | undefined) => {
      if (from) out.push(sql`${ref(column)} >= ${instant(from)}`);
      if (to) out.push(sql`${ref(column)} < ${until(to)}`);
    };
    if (query.openTasks !== undefined) {
      // The activities' index on (customer, kind, done) answers it for each row.
      const id = alias === undefined ? sql`${customers}.${col(c.id)}` : col(c.id, alias);
      const open = sql`EXISTS (SELECT 1 FROM ${activities} a WHERE ${col(a.customerId, 'a')} = ${id}
        AND ${col(a.kind, 'a')} = 'task' AND ${col(a.doneAt, 'a')} IS NULL)`;
      out.push(query.openTasks ? open : sql`NOT ${open}`);
    }
    range(c.createdAt, query.createdFrom, query.createdTo);
    range(c.updatedAt, query.updatedFrom, query.updatedTo);
    return out;
  }

  const whereOf = (conditions: SQL[]) =>
    conditions.length > 0 ? sql`WHERE ${sql.join(conditions, sql` AND `)}` : sql``;

  // --- The list --------------------------------------------------------------------------------

  async function list(query: CustomerListQuery): Promise<CustomerListPage> {
    const columns = ORDERS[query.sort].map((column) => col(column));
    const keys = sql.join(
      columns.map((column, i) => sql`${column} AS ${sql.identifier(`k${i}`)}`),
      sql`, `,
    );
    const conditions = filters(query);
    const paging = filters(query, undefined, true);
    const orderName = `list:${query.sort}:${query.direction}`;
    const state = stateOf(
      JSON.stringify({ ...query, direction: 0, limit: 0, position: 0, cursor: 0 }),
      await changeMark(),
    );
    const keyOf = (row: Row): Key => columns.map((_, i) => keyValue(row[`k${i}`]));

    /** `limit` rows after `from` (null: from the start) in `direction`, skipping `skip` first. */
    const read = (direction: 'asc' | 'desc', from: Key | null, skip: number, limit: number, what: SQL) =>
      db.rows(sql`SELECT ${what} FROM ${customers}
        ${whereOf(from ? [...paging, after(columns, from, direction)] : paging)}
        ORDER BY ${sql.join(
          columns.map((column) => sql`${column} ${sql.raw(direction)}`),
          sql`, `,
        )} LIMIT ${limit}${skip > 0 ? sql` OFFSET ${skip}` : sql``}`);

    /**
     * The key of the row just before row `k * anchorEvery` of the ascending order. The first time
     * one is needed, the keys of the whole list are built (one pause on the first jump into the
     * middle; both directions use them), then every jump reads a page from a known key.
     */
    async function anchor(k: number): Promise<Key | null> {
      // One build per order at a time: pages asked for together (a grid fetches several) wait for it.
      state.building ??= (async () => {
        const known: (Key | null)[] = [null];
        const last = Math.floor(((state.total ?? 0) - 1) / anchorEvery);
        while (known.length <= last) {
          const [row] = await read('asc', known[known.length - 1] ?? null, anchorEvery - 1, 1, keys);
          if (!row) break;
          known.push(keyOf(row));
        }
        return known;
      })().catch((error: unknown) => {
        state.building = undefined;
        throw error;
      });
      return (await state.building)[k] ?? null;
    }

    /** Rows `position` to `position + count` of the ascending order (of `total`). */
    async function ascending(position: number, count: number, total: number): Promise<Row[]> {
      const what = sql`${summary}, ${keys}`;
      if (position < anchorEvery) return read('asc', null, position, count, what);
      const fromEnd = total - position - count;
      // Near the end: read backwards from it, skipping fewer than anchorEvery rows.
      if (fromEnd < anchorEvery) return (await read('desc', null, Math.max(0, fromEnd), count, what)).reverse();
      const k = Math.floor(position / anchorEvery);
      return read('asc', await anchor(k), position - k * anchorEvery, count, what);
    }

    if (conditions.length === 0) {
      // Unfiltered: the number kept beside the customers (a lookup, where counting 100,000 rows
      // took 4 ms on Postgres — after every write, since any appended event invalidates the state).
      const [row] = await db.rows(
        sql`SELECT ${col(sequencesSqlite.next)} AS n FROM ${sequences} WHERE ${col(sequencesSqlite.name)} = ${CUSTOMER_COUNT}`,
      );
      state.total = toNumber(row?.['n']);
    } else if (state.total === undefined) {
      const [row] = await db.rows(sql`SELECT count(*) AS n FROM ${customers} ${whereOf(conditions)}`);
      state.total = toNumber(row?.['n']);
    }
    const total = state.total;
    let rows: Row[];
    let position = query.position;
    if (query.cursor) {
      rows = await read(
        query.direction,
        decodeCursor(query.cursor, orderName, columns.length),
        0,
        query.limit,
        sql`${summary}, ${keys}`,
      );
    } else if (position >= total) {
      rows = [];
      position = total;
    } else {
      // A descending page is an ascending one read from the other end, reversed.
      const count = Math.min(query.limit, total - position);
      rows =
        query.direction === 'asc'
          ? await ascending(position, count, total)
          : (await ascending(total - position - count, count, total)).reverse();
    }
    const last = rows[rows.length - 1];
    const more = query.cursor ? rows.length === query.limit : position + rows.length < total;
    return {
      rows,
      total,
      exact: true,
      position,
      next: last && more ? encodeCursor(orderName, keyOf(last)) : null,
    };
  }

  // --- Search ----------------------------------------------------------------------------------

  const searchColumns = SEARCH_ORDER.map((column) => col(column, 'w'));
  const searchOrdering = sql.join(searchColumns, sql`, `);

  const inRange = (alias: string, word: string) =>
    sql`${col(w.word, alias)} >= ${word} AND ${col(w.word, alias)} < ${prefixEnd(word)}`;
  /**
   * Every entry beginning `word`, at any rank: listing the ranks lets both dialects seek the
   * primary key, which starts with the rank.
   */
  const anyRank = (alias: string, word: string) => sql`${col(w.rank, alias)} IN (0, 1, 2) AND ${inRange(alias, word)}`;

  /** The first `limit` index entries beginning `word` (all ranks), as a subquery `w` of sort key and customer. */
  const firstEntries = (word: string, limit: number) => sql`(SELECT ${col(w.sortKey, 'e')} AS ${sql.identifier(
    w.sortKey.name,
  )}, ${col(w.customerId, 'e')} AS ${sql.identifier(w.customerId.name)} FROM ${words} e
    WHERE ${anyRank('e', word)} LIMIT ${limit}) w`;

  /**
   * The first `limit` entries beginning `word` in the index's order (rank, word, sort key,
   * customer), as a subquery `w` with the index's columns: one ordered range per rank, so neither
   * dialect sorts more than three times `limit` rows, and both take the same entries (a plain
   * LIMIT takes whichever rows a plan meets first; Postgres scans a small table in any order).
   */
  const sampleOf = (word: string, limit: number) => {
    const columns = (alias: string) =>
      sql.join(
        [w.rank, ...SEARCH_ORDER].map((column) => col(column, alias)),
        sql`, `,
      );
    const arm = (rank: number) => sql`SELECT * FROM (SELECT ${columns('e')} FROM ${words} e
      WHERE ${col(w.rank, 'e')} = ${rank} AND ${inRange('e', word)}
      ORDER BY ${sql.join(
        SEARCH_ORDER.map((column) => col(column, 'e')),
        sql`, `,
      )} LIMIT ${limit}) ${sql.identifier(`a${rank}`)}`;
    return sql`(SELECT ${columns('u')} FROM (${arm(0)} UNION ALL ${arm(1)} UNION ALL ${arm(2)}) u
      ORDER BY ${columns('u')} LIMIT ${limit}) w`;
  };

  /** How many index entries begin `word`, counted up to `limit`. */
  async function entries(word: string, limit: number): Promise<number> {
    const [row] = await db.rows(sql`SELECT count(*) AS n FROM ${firstEntries(word, limit)}`);
    return toNumber(row?.['n']);
  }

  /**
   * The query word with the fewest index entries, and their number (up to driverProbe). Longer
   * words are counted first (they tend to have fewer); each next word only up to the fewest so far.
   */
  async function driverOf(terms: readonly string[]): Promise<{ driver: string; others: string[]; count: number }> {
    const [first, ...rest] = [...terms].sort((a, b) => b.length - a.length) as [string, ...string[]];
    let best = { word: first, count: await entries(first, driverProbe) };
    for (const word of rest) {
      const count = await entries(word, best.count);
      if (count < best.count) best = { word, count };
    }
    return { driver: best.word, others: terms.filter((t) => t !== best.word), count: best.count };
  }

  /**
   * Whether reading the other words' entries whole is cheaper than checking the driver's entries
   * one by one: they are counted only up to what the first way may read.
   */
  async function readWhole(driverEntries: number, others: readonly string[]): Promise<boolean> {
    if (driverEntries >= driverProbe) return false;
    let budget = Math.min(setEntries, SET_RATIO * driverEntries);
    for (const word of others) {
      budget -= await entries(word, budget + 1);
      if (budget < 0) return false;
    }
    return true;
  }

  /**
   * The first-seen entries of the driver, in index order, of the customers that have every query
   * word and pass the filters: each word's entries are read whole and intersected (in memory on
   * SQLite, by the database on Postgres: intersected()). Reading a range costs a fraction of a
   * microsecond per entry, where checking a candidate for another word costs a lookup of its word
   * list (≈ 1.3 µs at 1,000,000 customers when cached, ≈ 4.5 µs when not; measured 2026-12-07): so
   * two words with a few thousand entries each and few customers in common (a surname and a city)
   * cost a few milliseconds here instead of a lookup per entry of the driver.
   */
  async function bySets(driver: string, others: readonly string[], query: CustomerListQuery): Promise<Row[]> {
    /** Of `found`, the customers that pass the list's filters (all of them without filters). */
    const listed = filters(query, 'f');
    const passing = async (found: Set<string>) => {
      if (listed.length === 0 || found.size === 0) return found;
      const passed = await rowsInChunks([...found], (chunk) =>
        db.column(sql`SELECT ${col(c.id, 'f')} FROM ${customers} f
          WHERE ${db.inList(col(c.id, 'f'), chunk)} AND ${sql.join(listed, sql` AND `)}`),
      );
      return new Set(passed.map(String));
    };
    /** The first entry of each customer in `matched`, in the order of `ordered`. */
    const firstOf = (ordered: readonly Row[], matched: Set<string>) => {
      const first: Row[] = [];
      for (const row of ordered) if (matched.delete(customerOf(row))) first.push(row);
      return first;
    };
    if (db.dialect === 'postgres') {
      const ordered = await intersected(driver, others);
      return firstOf(ordered, await passing(new Set(ordered.map(customerOf))));
    }
    const customersOf = async (word: string) =>
      (await db.column(sql`SELECT ${col(w.customerId, 'e')} FROM ${words} e WHERE ${anyRank('e', word)}`)).map(String);
    let matched = new Set(await customersOf(driver));
    for (const word of others) {
      if (matched.size === 0) break;
      const both = new Set<string>();
      for (const id of await customersOf(word)) if (matched.has(id)) both.add(id);
      matched = both;
    }
    matched = await passing(matched);
    if (matched.size === 0) return [];
    // The driver's entries in index order: of just these customers when they are few (the range
    // is read again, but only their entries become rows), else all of them.
    const few = matched.size <= orderedByList;
    const ordered = await db.rows(sql`SELECT ${col(w.rank, 'w')} AS r, ${searchOrdering} FROM ${words} w
      WHERE ${anyRank('w', driver)}
      ${few ? sql`AND ${db.inList(col(w.customerId, 'w'), [...matched])}` : sql``}
      ORDER BY ${col(w.rank, 'w')}, ${searchOrdering}`);
    return firstOf(ordered, matched);
  }

  /**
   * Postgres: the driver's entries, in index order, of the customers that have every other word,
   * intersected by the database — a hash semi-join per other word — so that neither word's
   * entries cross the wire. Prefix ranges are estimated at a row or two, and the planner would
   * then look the driver's range up once per customer of the other word (nearly 500 ms for "anna
   * schmidt"); without nested loops it reads each range once (3 ms there; "Müller Berlin" and
   * "Stammkunde Hamburg" went from 40–70 ms with both sets read into this process to a few ms).
   */
  async function intersected(driver: string, others: readonly string[]): Promise<Row[]> {
    const id = col(w.customerId, 'w');
    const having = others.map((word, i) => {
      const alias = `o${i}`;
      return sql`${id} IN (SELECT ${col(w.customerId, alias)} FROM ${words} ${sql.identifier(alias)}
        WHERE ${anyRank(alias, word)})`;
    });
    return db.transaction(async (tx) => {
      await tx.run(sql`SET LOCAL enable_nestloop = off`);
      return tx.rows(sql`SELECT ${col(w.rank, 'w')} AS r, ${searchOrdering} FROM ${words} w
        WHERE ${sql.join([anyRank('w', driver), ...having], sql` AND `)}
        ORDER BY ${col(w.rank, 'w')}, ${searchOrdering}`);
    });
  }

  /**
   * Search: one query word drives (the one with the fewest index entries), read in index order
   * rank by rank; the other words and the filters must hold for each customer it finds. A customer
   * appears once, at its best entry for the driver, which is its first one in that order: within
   * a page the scan skips customers it has seen, and a page after a cursor drops customers that
   * have an entry before the cursor (one query per batch). Pages continue after a cursor (rank,
   * word, sort key, id). Several words with few entries (bySets) give the same page, order and
   * cursor from their entries read whole, with an exact count.
   */
  async function search(query: CustomerListQuery, terms: readonly string[]): Promise<CustomerListPage> {
    const single = terms.length === 1;
    const {
      driver,
      others,
      count: driverEntries,
    } = single ? { driver: terms[0] ?? '', others: [], count: undefined } : await driverOf(terms);
    const orderName = `search:${terms.join(' ')}`;
    const from = query.cursor ? decodeCursor(query.cursor, orderName, 4) : null;
    if (driverEntries !== undefined && (await readWhole(driverEntries, others))) {
      const found = await bySets(driver, others, query);
      const cursorAt = JSON.stringify(from);
      const at = from ? found.findIndex((row) => JSON.stringify(entryKey(row)) === cursorAt) + 1 : query.position;
      // A cursor whose row is gone (changed since its page) is continued by the scan below.
      if (!from || at > 0) return pageOf(found.slice(at, at + query.limit), found.length, true);
    }
    // The other words, checked in the customer's word list: one lookup whatever their number.
    const conditions = [inRange('w', driver)];
    if (others.length > 0) {
      const contains = others.map((word) =>
        db.dialect === 'sqlite'
          ? sql`instr(${col(l.words, 'o')}, ${listNeedle(word)}) > 0`
          : sql`strpos(${col(l.words, 'o')}, ${listNeedle(word)}) > 0`,
      );
      // Postgres would turn the EXISTS into a join and may then read every word list (a hash semi
      // join over 1,000,000 rows took ≈ 200 ms for “Bau GmbH”); OFFSET 0 keeps it a lookup per entry
      // of the driver, in the scan's order, which stops as soon as the page is full.
      const fence = db.dialect === 'postgres' ? sql` OFFSET 0` : sql``;
      conditions.push(sql`EXISTS (SELECT 1 FROM ${wordLists} o WHERE ${col(l.sortKey, 'o')} = ${col(w.sortKey, 'w')}
        AND ${col(l.customerId, 'o')} = ${col(w.customerId, 'w')} AND ${sql.join(contains, sql` AND `)}${fence})`);
    }
    const listed = filters(query, 'f');
    if (listed.length > 0) {
      conditions.push(sql`EXISTS (SELECT 1 FROM ${customers} f WHERE ${col(c.id, 'f')} = ${col(w.customerId, 'w')}
        AND ${sql.join(listed, sql` AND `)})`);
    }
    const id = sql`${col(w.customerId, 'w')}`;

    // The count reads a bounded part of the driver's entries: all of them when there are at most
    // COUNT_ENTRIES (exact), else the first COUNT_ENTRIES, and the share that matches the other
    // words and filters estimates the rest (`exact: false`). A broad prefix or a combination of
    // common words then costs about what a page does, not a pass over every match.
    const rest = conditions.slice(1);
    const estimate = async (examined: number, matched: number) => {
      const exact = examined < countEntries;
      // A single word's entries are counted only now, when the estimate needs them.
      const entriesOfDriver = exact ? examined : (driverEntries ?? (await entries(driver, driverProbe)));
      return {
        total: exact ? matched : Math.round((matched * entriesOfDriver) / Math.max(1, examined)),
        exact,
        // The driver has more entries than were counted: the estimate covers only the counted ones.
        atLeast: !exact && entriesOfDriver >= driverProbe,
      };
    };
    /** The count on its own: the sample's entries read, with the other words and filters checked for each. */
    const sampled = async () => {
      const matches = rest.length > 0 ? sql`CASE WHEN ${sql.join(rest, sql` AND `)} THEN ${id} END` : id;
      const [sample] = await db.rows(
        sql`SELECT count(*) AS n, count(DISTINCT ${matches}) AS d FROM ${sampleOf(driver, countEntries)}`,
      );
      return estimate(toNumber(sample?.['n']), toNumber(sample?.['d']));
    };
    /**
     * The count from what a first page's scan has checked already: the matching entries it read
     * (`found`) up to `to` (a key, or [rank] for the whole of a rank; null when it read every
     * entry). When the sample (the driver's first countEntries entries, as sampled() reads them)
     * ends inside what the scan read, its matches are among `found` and nothing is checked again;
     * otherwise the sample is read on its own. The checks (one lookup each) were most of a count.
     */
    const scanned = async (found: readonly Row[], to: Key | null) => {
      if (!to) return { total: new Set(found.map(customerOf)).size, exact: true, atLeast: false };
      // The sample's last entry, and how many entries the sample has.
      const descending = sql.join(
        [w.rank, ...SEARCH_ORDER].map((column) => sql`${col(column, 'w')} DESC`),
        sql`, `,
      );
      const [end] = await db.rows(sql`SELECT ${col(w.rank, 'w')} AS r, ${searchOrdering}, count(*) OVER () AS n
        FROM ${sampleOf(driver, countEntries)} ORDER BY ${descending} LIMIT 1`);
      if (!end || toNumber(end['n']) < countEntries) return sampled();
      const last = entryKey(end);
      const reached = to.length === 1 ? Number(last[0]) <= Number(to[0]) : compareKeys(last, to) <= 0;
      if (!reached) return sampled();
      const inSample = found.filter((row) => compareKeys(entryKey(row), last) <= 0);
      return estimate(countEntries, new Set(inSample.map(customerOf)).size);
    };

    /** Of the customers of `entries`, those with an entry for the driver at or before the cursor (listed on an earlier page). */
    const listedBefore = async (entries: readonly Row[], cursor: Key): Promise<Set<string>> => {
      // By sort key alone (it ends in the customer's number, so it is as good as unique): two lists
      // of keys for the two columns would be looked up as every pair of them.
      const keys = entries.map((row) => String(row[w.sortKey.name]));
      const customers = new Set(entries.map(customerOf));
      const rows = await db.rows(sql`SELECT ${col(l.sortKey, 'o')} AS k, ${col(l.customerId, 'o')} AS c,
        ${col(l.words, 'o')} AS words FROM ${wordLists} o WHERE ${db.inList(col(l.sortKey, 'o'), keys)}`);
      const before = new Set<string>();
      for (const row of rows) {
        const customer = String(row['c']);
        if (!customers.has(customer)) continue;
        const earlier = wordsOfList(String(row['words'])).some(
          ({ word, rank }) =>
            word.startsWith(driver) && compareKeys([rank, word, String(row['k']), customer], cursor) <= 0,
        );
        if (earlier) before.add(customer);
      }
      return before;
    };

    // A first page whose entries are checked against other words or filters keeps what it found
    // for the count (scanned()); a single word without filters is counted on its own, cheaply.
    const reuse = !from && rest.length > 0;
    const matching: Row[] = [];
    /** How far the scan has read: a key, or [rank] when it read the whole of that rank. */
    let readTo: Key = [0];
    const seen = new Set<string>();
    /** True the first time a customer comes up in this scan (its best entry). */
    const firstSight = (row: Row) => {
      const customer = customerOf(row);
      if (seen.has(customer)) return false;
      seen.add(customer);
      return true;
    };
    const picked: Row[] = [];
    let skip = from ? 0 : query.position;
    const batch = Math.min(500, query.limit * 2 + 10);
    /** The scan read every entry of the driver. */
    let complete = false;
    ranks: for (const rank of [0, 1, 2]) {
      if (from && rank < Number(from[0])) continue;
      let start: Key | null = from && rank === Number(from[0]) ? from.slice(1) : null;
      for (;;) {
        const here = [sql`${col(w.rank, 'w')} = ${rank}`, ...conditions];
        if (start) here.push(after(searchColumns, start, 'asc'));
        const rows = await db.rows(sql`SELECT ${col(w.rank, 'w')} AS r, ${searchOrdering} FROM ${words} w
          WHERE ${sql.join(here, sql` AND `)} ORDER BY ${searchOrdering} LIMIT ${batch}`);
        if (reuse) matching.push(...rows);
        const end = rows[rows.length - 1];
        readTo = end && rows.length === batch ? entryKey(end) : [rank];
        let fresh = rows.filter(firstSight);
        if (from && fresh.length > 0) {
          const earlier = await listedBefore(fresh, from);
          fresh = fresh.filter((row) => !earlier.has(customerOf(row)));
        }
        for (const row of fresh) {
          if (skip > 0) {
            skip--;
            continue;
          }
          picked.push(row);
          if (picked.length === query.limit) break ranks;
        }
        if (!end || rows.length < batch) {
          if (rank === 2) complete = true;
          break;
        }
        start = entryKey(end).slice(1);
      }
    }
    const { total, exact, atLeast } = reuse ? await scanned(matching, complete ? null : readTo) : await sampled();
    return pageOf(picked, total, exact, atLeast);

    /** The page of the picked index entries (each a customer's first): their rows and the cursor after them. */
    async function pageOf(
      picked: readonly Row[],
      total: number,
      exact: boolean,
      atLeast = false,
    ): Promise<CustomerListPage> {
      const ids = picked.map(customerOf);
      const found =
        ids.length === 0
          ? []
          : await db.rows(sql`SELECT ${summary} FROM ${customers} WHERE ${db.inList(col(c.id), ids)}`);
      const byId = new Map(found.map((row) => [String(row['id']), row]));
      const last = picked[picked.length - 1];
      return {
        rows: ids.map((i) => byId.get(i)).filter((r): r is Row => r !== undefined),
        total,
        exact,
        ...(atLeast && { atLeast }),
        position: query.position,
        next: last && picked.length === query.limit ? encodeCursor(orderName, entryKey(last)) : null,
      };
    }
  }

  return {
    list,
    search,
    /** The projection was written outside the event log (a replay): forget counts and anchors. */
    changed() {
      localWrites++;
    },
  };
}
