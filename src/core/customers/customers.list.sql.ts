// Pages of the customer list and of searches, for both dialects. Every page is a keyset query:
// it continues after the key of a row (the order's columns, which an index holds whole), so the
// millionth row costs what the first does. A list also answers a row position (a grid's scrollbar
// dragged to row 700,000): the keys of every ANCHOR_EVERY-th row of an order are remembered, built
// the first time a position needs them and kept until the data changes; from the nearest one a
// page skips fewer than ANCHOR_EVERY rows. Near the end the order is read backwards.
import { sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import type { CustomerListQuery, CustomerSortKey } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { col, toNumber, type Executor, type Row } from '../db/executor';
import { eventsSqlite } from '../events/events.schema';
import { customersSqlite as c, customerWordsSqlite as w } from './customers.schema';
import { prefixEnd } from './customers.search';

/** A search counts its matches exactly up to this many; beyond, the page says "more than". */
export const SEARCH_COUNT_LIMIT = 1_000;
/** The keys of every this many rows of a list order are remembered for jumps. */
export const ANCHOR_EVERY = 500;
/** Index entries counted per query word when choosing the word that drives a search. */
const DRIVER_PROBE = 2_000;
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

/** `(a, b, c) > (x, y, z)`: a row comparison both dialects answer from an index. */
function after(columns: SQL[], key: Key, direction: 'asc' | 'desc'): SQL {
  const op = sql.raw(direction === 'asc' ? '>' : '<');
  return sql`(${sql.join(columns, sql`, `)}) ${op} (${sql.join(
    key.map((v) => sql`${v}`),
    sql`, `,
  )})`;
}

const flip = (d: 'asc' | 'desc') => (d === 'asc' ? 'desc' : 'asc');

/** The start of a day or an instant, as stored (ISO text in UTC). */
const instant = (bound: string) => new Date(bound.length === 10 ? `${bound}T00:00:00.000Z` : bound).toISOString();
/** An upper bound: a day includes the whole day; an instant is exclusive. */
const until = (bound: string) =>
  bound.length === 10 ? new Date(Date.parse(`${bound}T00:00:00.000Z`) + 86_400_000).toISOString() : instant(bound);

interface OrderState {
  mark: string;
  total?: number;
  anchors: Record<'asc' | 'desc', (Key | null)[]>;
}

export interface CustomerListPage {
  rows: Row[];
  total: number;
  exact: boolean;
  position: number;
  next: string | null;
}

export interface ListOptions {
  /** Spacing of the remembered keys (tests make it small to reach many anchors with few rows). */
  readonly anchorEvery?: number;
}

export function createCustomerLists(db: Executor, summary: SQL, { anchorEvery = ANCHOR_EVERY }: ListOptions = {}) {
  const customers = db.table('customers');
  const words = db.table('customer_words');
  const events = db.table('events');
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
      state = { mark, anchors: { asc: [null], desc: [null] } };
      if (orders.size >= CACHED_ORDERS) orders.delete(orders.keys().next().value as string);
    }
    orders.delete(signature);
    orders.set(signature, state);
    return state;
  }

  /** Filters of the list other than the search, on the customers table (aliased `alias`). */
  function filters(query: CustomerListQuery, alias?: string): SQL[] {
    const out: SQL[] = [];
    const anyOf = (column: SQLiteColumn, values: readonly string[]) =>
      sql`${col(column, alias)} IN (${sql.join(
        values.map((v) => sql`${v}`),
        sql`, `,
      )})`;
    if (query.status?.length) out.push(anyOf(c.status, query.status));
    if (query.country?.length) out.push(anyOf(c.country, query.country));
    if (query.owner?.length) {
      const ids = query.owner.filter((o) => o !== 'none');
      const either = [
        ...(ids.length > 0 ? [anyOf(c.ownerId, ids)] : []),
        ...(query.owner.includes('none') ? [sql`${col(c.ownerId, alias)} IS NULL`] : []),
      ];
      out.push(sql`(${sql.join(either, sql` OR `)})`);
    }
    for (const tag of query.tags ?? []) {
      const tags = col(c.tags, alias);
      out.push(
        db.dialect === 'sqlite'
          ? sql`EXISTS (SELECT 1 FROM json_each(${tags}) WHERE lower(value) = lower(${tag}))`
          : sql`EXISTS (SELECT 1 FROM jsonb_array_elements_text(${tags}::jsonb) t WHERE lower(t) = lower(${tag}))`,
      );
    }
    const range = (column: SQLiteColumn, from: string | undefined, to: string | undefined) => {
      if (from) out.push(sql`${col(column, alias)} >= ${instant(from)}`);
      if (to) out.push(sql`${col(column, alias)} < ${until(to)}`);
    };
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
    const orderName = `list:${query.sort}:${query.direction}`;
    const state = stateOf(
      JSON.stringify({ ...query, direction: 0, limit: 0, position: 0, cursor: 0 }),
      await changeMark(),
    );
    const keyOf = (row: Row): Key => columns.map((_, i) => keyValue(row[`k${i}`]));

    /** `limit` rows after `from` (null: from the start) in `direction`, skipping `skip` first. */
    const read = (direction: 'asc' | 'desc', from: Key | null, skip: number, limit: number, what: SQL) =>
      db.rows(sql`SELECT ${what} FROM ${customers}
        ${whereOf(from ? [...conditions, after(columns, from, direction)] : conditions)}
        ORDER BY ${sql.join(
          columns.map((column) => sql`${column} ${sql.raw(direction)}`),
          sql`, `,
        )} LIMIT ${limit}${skip > 0 ? sql` OFFSET ${skip}` : sql``}`);

    /** The key of the row just before row `k * anchorEvery` in `direction`, built step by step. */
    async function anchor(direction: 'asc' | 'desc', k: number): Promise<Key | null> {
      const known = state.anchors[direction];
      while (known.length <= k) {
        const [row] = await read(direction, known[known.length - 1] ?? null, anchorEvery - 1, 1, keys);
        if (!row) return null;
        known.push(keyOf(row));
      }
      return known[k] ?? null;
    }

    /** `count` rows from `position` counted in `direction`, via the nearest anchor. */
    async function at(direction: 'asc' | 'desc', position: number, count: number) {
      const k = Math.floor(position / anchorEvery);
      const from = k === 0 ? null : await anchor(direction, k);
      return read(direction, from, position - k * anchorEvery, count, sql`${summary}, ${keys}`);
    }

    if (state.total === undefined) {
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
    } else if (position <= total - position - query.limit) {
      rows = await at(query.direction, position, query.limit);
    } else {
      // The end is nearer: read backwards from it.
      const end = Math.min(total, position + query.limit);
      rows = (await at(flip(query.direction), total - end, end - position)).reverse();
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

  const inRange = (alias: string, word: string) =>
    sql`${col(w.word, alias)} >= ${word} AND ${col(w.word, alias)} < ${prefixEnd(word)}`;

  /** How many index entries begin `word`, counted up to DRIVER_PROBE. */
  async function entries(word: string): Promise<number> {
    const [row] = await db.rows(sql`SELECT count(*) AS n FROM (SELECT 1 FROM ${words} e
      WHERE ${col(w.rank, 'e')} IN (0, 1, 2) AND ${inRange('e', word)} LIMIT ${DRIVER_PROBE}) p`);
    return toNumber(row?.['n']);
  }

  /**
   * Search: one query word drives (the one with the fewest index entries), read in index order
   * rank by rank; each customer appears once, at its best entry for that word; the other words
   * and the filters must hold for it too. Pages continue after a cursor (rank, word, sort key, id).
   */
  async function search(query: CustomerListQuery, terms: readonly string[]): Promise<CustomerListPage> {
    let ordered = [...terms].sort((a, b) => b.length - a.length);
    if (ordered.length > 1) {
      const counts = new Map(await Promise.all(ordered.map(async (t) => [t, await entries(t)] as const)));
      ordered = ordered.sort((a, b) => (counts.get(a) ?? 0) - (counts.get(b) ?? 0));
    }
    const [driver, ...others] = ordered as [string, ...string[]];
    const conditions = [
      inRange('w', driver),
      // The customer's best entry for the driver is this one: none at a better rank, none earlier.
      sql`NOT EXISTS (SELECT 1 FROM ${words} b WHERE ${col(w.customerId, 'b')} = ${col(w.customerId, 'w')}
        AND ${inRange('b', driver)} AND (${col(w.rank, 'b')} < ${col(w.rank, 'w')}
        OR (${col(w.rank, 'b')} = ${col(w.rank, 'w')} AND ${col(w.word, 'b')} < ${col(w.word, 'w')})))`,
      ...others.map(
        (word) => sql`EXISTS (SELECT 1 FROM ${words} o WHERE ${col(w.customerId, 'o')} = ${col(w.customerId, 'w')}
          AND ${inRange('o', word)})`,
      ),
    ];
    const listed = filters(query, 'f');
    if (listed.length > 0) {
      conditions.push(sql`EXISTS (SELECT 1 FROM ${customers} f WHERE ${col(c.id, 'f')} = ${col(w.customerId, 'w')}
        AND ${sql.join(listed, sql` AND `)})`);
    }
    const orderName = `search:${terms.join(' ')}`;
    // Counted on every call (a bounded count costs about what a page does; nothing to keep fresh).
    const [counted] = await db.rows(sql`SELECT count(*) AS n FROM (SELECT 1 FROM ${words} w
      WHERE ${col(w.rank, 'w')} IN (0, 1, 2) AND ${sql.join(conditions, sql` AND `)} LIMIT ${SEARCH_COUNT_LIMIT + 1}) m`);
    const matches = toNumber(counted?.['n']);
    const exact = matches <= SEARCH_COUNT_LIMIT;
    const total = Math.min(matches, SEARCH_COUNT_LIMIT);

    const ordering = sql.join(
      SEARCH_ORDER.map((column) => col(column, 'w')),
      sql`, `,
    );
    const from = query.cursor ? decodeCursor(query.cursor, orderName, 4) : null;
    const rows: Row[] = [];
    let skip = from ? 0 : query.position;
    for (const rank of [0, 1, 2]) {
      if (from && rank < Number(from[0])) continue;
      const here = [sql`${col(w.rank, 'w')} = ${rank}`, ...conditions];
      if (from && rank === Number(from[0])) {
        here.push(
          after(
            SEARCH_ORDER.map((column) => col(column, 'w')),
            from.slice(1),
            'asc',
          ),
        );
      }
      const matching = sql`FROM ${words} w WHERE ${sql.join(here, sql` AND `)}`;
      if (skip > 0) {
        // A position without a cursor (the CLI's --offset): skip whole ranks by their counts.
        const [count] = await db.rows(sql`SELECT count(*) AS n ${matching}`);
        const n = toNumber(count?.['n']);
        if (skip >= n) {
          skip -= n;
          continue;
        }
      }
      const want = query.limit - rows.length;
      rows.push(
        ...(await db.rows(sql`SELECT ${col(w.rank, 'w')} AS r, ${ordering} ${matching}
          ORDER BY ${ordering} LIMIT ${want}${skip > 0 ? sql` OFFSET ${skip}` : sql``}`)),
      );
      skip = 0;
      if (rows.length >= query.limit) break;
    }
    const ids = rows.map((r) => String(r[w.customerId.name] ?? r['customer_id']));
    const found =
      ids.length === 0
        ? []
        : await db.rows(sql`SELECT ${summary} FROM ${customers} WHERE ${db.inList(col(c.id), ids)}`);
    const byId = new Map(found.map((row) => [String(row['id']), row]));
    const last = rows[rows.length - 1];
    return {
      rows: ids.map((id) => byId.get(id)).filter((r): r is Row => r !== undefined),
      total,
      exact,
      position: query.position,
      next:
        last && rows.length === query.limit
          ? encodeCursor(orderName, [toNumber(last['r']), ...SEARCH_ORDER.map((column) => keyValue(last[column.name]))])
          : null,
    };
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
