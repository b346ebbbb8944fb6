// One SQL text for both dialects: the system store's services (identity, audit, mail) write their
// queries once with drizzle's sql template, and this adapter runs them on SQLite or Postgres.
// Timestamps are ISO text and flags integers on both dialects, so results look the same.
import { getTableColumns, getTableName, is, sql, SQL, type Table } from 'drizzle-orm';
import type { PgDb } from './postgres';
import { queryRows, quoteIdent } from './postgres';
import type { SqliteDatabase } from './sqlite';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import type { Statement } from 'better-sqlite3';

export type Row = Record<string, unknown>;

export interface Executor {
  readonly dialect: 'sqlite' | 'postgres';
  /** A table of this store, schema-qualified where the dialect needs it. */
  table(name: string): SQL;
  rows<T extends Row = Row>(query: SQL): Promise<T[]>;
  /**
   * The first column of every row. On SQLite no object is made per row, which matters when a query
   * returns tens of thousands of ids (a search's word read whole).
   */
  column(query: SQL): Promise<unknown[]>;
  /** Every row as an array of its columns in the query's order: no object per row (a ledger read whole). */
  tuples(query: SQL): Promise<unknown[][]>;
  /** Runs a statement; returns the number of rows it changed. */
  run(query: SQL): Promise<number>;
  /**
   * Inserts rows given by the table's drizzle definition (property names, not column names, so a
   * renamed column is a compile error). SQLite runs one prepared statement per row; Postgres sends
   * many rows per statement. Absent properties take the definition's plain default, else NULL.
   */
  insert<T extends Table>(table: T, rows: readonly T['$inferInsert'][]): Promise<void>;
  /**
   * `column IN (values)`. On SQLite the list travels as one JSON parameter (json_each), so a page of
   * a thousand ids costs neither a thousand placeholders nor building them; Postgres gets the list.
   */
  inList(column: SQL, values: readonly string[]): SQL;
  /**
   * Inside a transaction: drops the table's secondary indexes, runs `fn`, and builds them again
   * from the store's own definitions. A bulk load (replay) then sorts each index once instead of
   * updating it row by row. Indexes behind primary keys and constraints stay.
   */
  withoutIndexes<T>(table: string, fn: () => Promise<T>): Promise<T>;
  /**
   * Inside a transaction: runs a bulk load (replay) with more memory: SQLite's page cache grows to
   * BULK_CACHE_MIB, so the tables being rebuilt stay decrypted in memory instead of being
   * decrypted again on every visit (deleting the old rows, building each index); Postgres builds
   * its indexes with as much maintenance memory. Back to normal afterwards.
   */
  withBulkMemory<T>(fn: () => Promise<T>): Promise<T>;
  /** Runs `fn` in one transaction; nested calls join the outer one. */
  transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T>;
  /**
   * Inside a transaction: waits until no other transaction holds `key` (serialises appends).
   * `shared` holders only wait for an exclusive one (key creation waits for a rotation, not for
   * other creations).
   */
  serialize(key: string, mode?: 'exclusive' | 'shared'): Promise<void>;
  /**
   * Runs `fn` while this store runs nothing else of this process: on SQLite between two statements
   * or transactions of its one connection (an online backup begins its copies so); on Postgres,
   * whose connections are many, at once.
   */
  whileIdle<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * The columns of a table definition, each selected under its property name: rows come back keyed
 * as the definition's `$inferSelect` (`created_at` as `createdAt`), so a renamed column is a
 * compile error in the repository, not a wrong key at run time. `alias` qualifies each column
 * (`u.name`) where a join names the table so.
 */
export function selectColumns(table: Table, alias?: string): SQL {
  return sql.join(
    columnsOf(table).map(({ property, name }) => sql`${col({ name }, alias)} AS ${sql.identifier(property)}`),
    sql`, `,
  );
}

/** One column of a table definition, by its name in the store (for WHERE, SET, ORDER BY), optionally qualified. */
export function col(column: { readonly name: string }, alias?: string): SQL {
  return alias === undefined
    ? sql`${sql.identifier(column.name)}`
    : sql`${sql.identifier(alias)}.${sql.identifier(column.name)}`;
}

/** The store's column name of a definition's property (for a SET built from a partial row). */
export function columnName<T extends Table>(table: T, property: keyof T['$inferSelect'] & string): string {
  const column = getTableColumns(table)[property];
  if (!column) throw new Error(`${getTableName(table)} has no column for ${property}`);
  return column.name;
}

interface ColumnOf {
  readonly property: string;
  readonly name: string;
  /** The definition's plain default (`.default(0)`), stored when a row leaves the property out. */
  readonly fallback: unknown;
}

/** Column names of a table definition with the property each one is read from. */
function columnsOf(table: Table): ColumnOf[] {
  return Object.entries(getTableColumns(table)).map(([property, column]) => {
    const given: unknown = column.default;
    return { property, name: column.name, fallback: given === undefined || is(given, SQL) ? null : given };
  });
}

function valuesOf(row: Record<string, unknown>, columns: readonly ColumnOf[]): unknown[] {
  return columns.map((c) => row[c.property] ?? c.fallback);
}

/** The memory a bulk load may use for the store's cache (see Executor.withBulkMemory). */
const BULK_CACHE_MIB = 256;

/** Rows per INSERT statement on SQLite (fewer where a table has many columns). */
const SQLITE_ROWS_PER_INSERT = 100;

/**
 * Runs `fn` in `tx` with the secondary indexes of every one of `tables` dropped, and builds them
 * again before it returns (Executor.withoutIndexes, once per table).
 */
export function withoutIndexesOf<T>(tx: Executor, tables: readonly string[], fn: () => Promise<T>): Promise<T> {
  return tables.reduce<() => Promise<T>>((inner, table) => () => tx.withoutIndexes(table, inner), fn)();
}

/** Values per IN list: Postgres takes them as parameters (at most 65,535 a statement). */
const IN_LIST_CHUNK = 1000;

/**
 * Rows for a long list of values, read in chunks so each query's IN list (Executor.inList) stays
 * a bounded size on both dialects.
 */
export async function rowsInChunks<T>(
  values: readonly string[],
  read: (chunk: readonly string[]) => Promise<readonly T[]>,
): Promise<T[]> {
  const rows: T[] = [];
  for (let i = 0; i < values.length; i += IN_LIST_CHUNK) rows.push(...(await read(values.slice(i, i + IN_LIST_CHUNK))));
  return rows;
}

/** A promise-chain mutex: better-sqlite3 has one connection, so async transactions take turns. */
function createMutex() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const result = tail.then(fn, fn);
    tail = result.catch(() => undefined);
    return result;
  };
}

/** Prepared statements by SQL text: preparing costs more than running the small statements we use. */
function statementCache(raw: SqliteDatabase, limit = 500) {
  const dialect = new SQLiteSyncDialect();
  const cache = new Map<string, Statement>();
  /** `pluck`: a statement of its own that answers the first column of each row; `raw`: each row as an array. */
  return (query: SQL, mode: 'rows' | 'pluck' | 'raw' = 'rows'): { statement: Statement; params: unknown[] } => {
    const { sql: text, params } = dialect.sqlToQuery(query);
    const key = mode === 'rows' ? text : `${mode}:${text}`;
    let statement = cache.get(key);
    if (!statement) {
      statement = raw.prepare(text);
      if (mode === 'pluck') statement.pluck();
      if (mode === 'raw') statement.raw();
      if (cache.size >= limit) cache.delete(cache.keys().next().value as string);
      cache.set(key, statement);
    }
    return { statement, params };
  };
}

/**
 * The INSERT statements of a table, by rows per statement: made once per table, not per call (a
 * replay inserts some 20,000 statements of a hundred rows; building and hashing their text each
 * time cost as much as running them).
 */
function insertStatements(raw: SqliteDatabase) {
  const byTable = new WeakMap<
    Table,
    { columns: ColumnOf[]; perStatement: number; statement: (rows: number) => Statement }
  >();
  return (table: Table) => {
    let known = byTable.get(table);
    if (!known) {
      const columns = columnsOf(table);
      const row = `(${columns.map(() => '?').join(', ')})`;
      const head = `INSERT INTO "${getTableName(table)}" (${columns.map((c) => `"${c.name}"`).join(', ')}) VALUES `;
      const statements = new Map<number, Statement>();
      const statement = (rows: number) => {
        let made = statements.get(rows);
        if (!made) {
          made = raw.prepare(head + Array(rows).fill(row).join(', '));
          statements.set(rows, made);
        }
        return made;
      };
      const perStatement = Math.max(1, Math.min(SQLITE_ROWS_PER_INSERT, Math.floor(30_000 / columns.length)));
      known = { columns, perStatement, statement };
      byTable.set(table, known);
    }
    return known;
  };
}

export function sqliteExecutor(raw: SqliteDatabase): Executor {
  const exclusive = createMutex();
  const prepare = statementCache(raw);
  const insertsOf = insertStatements(raw);
  const make = (inTransaction: boolean): Executor => {
    // Outside a transaction every statement waits its turn, so it never lands inside another
    // caller's open transaction (and is never rolled back with it).
    // (So a statement sent on the store itself from inside a transaction waits for ever: pass tx.)
    const guard = <T>(fn: () => Promise<T>) => (inTransaction ? fn() : exclusive(fn));
    const self: Executor = {
      dialect: 'sqlite',
      table: (name) => sql.raw(`"${name}"`),
      inList: (column, values) =>
        values.length === 0 ? sql`1 = 0` : sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`,
      rows: <T extends Row>(query: SQL) =>
        guard(async () => {
          const { statement, params } = prepare(query);
          if (statement.reader) return statement.all(...params) as T[];
          statement.run(...params);
          return [];
        }),
      column: (query) =>
        guard(async () => {
          const { statement, params } = prepare(query, 'pluck');
          return statement.all(...params);
        }),
      tuples: (query) =>
        guard(async () => {
          const { statement, params } = prepare(query, 'raw');
          return statement.all(...params) as unknown[][];
        }),
      run: (query) =>
        guard(async () => {
          const { statement, params } = prepare(query);
          return statement.run(...params).changes;
        }),
      insert: (table, list) =>
        guard(async () => {
          if (list.length === 0) return;
          const { columns, perStatement, statement } = insertsOf(table);
          // Many rows per statement (each call into the driver costs about as much as a short
          // row), the rest one by one: two statements per table, whatever the list's length.
          const write = () => {
            const whole = list.length - (list.length % perStatement);
            const many = whole > 0 ? statement(perStatement) : null;
            const params: unknown[] = new Array(perStatement * columns.length);
            for (let i = 0; i < whole; i += perStatement) {
              let at = 0;
              for (let r = i; r < i + perStatement; r++) {
                const row = list[r] as Record<string, unknown>;
                for (const c of columns) params[at++] = row[c.property] ?? c.fallback;
              }
              many?.run(params);
            }
            for (const rest of list.slice(whole)) statement(1).run(valuesOf(rest, columns));
          };
          if (inTransaction || list.length === 1) write();
          else raw.transaction(write)();
        }),
      async withoutIndexes(table, fn) {
        const indexes = raw
          .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL")
          .all(table) as { name: string; sql: string }[];
        for (const index of indexes) raw.exec(`DROP INDEX "${index.name.replaceAll('"', '""')}"`);
        const value = await fn();
        for (const index of indexes) raw.exec(index.sql);
        return value;
      },
      async withBulkMemory(fn) {
        const normal = raw.pragma('cache_size', { simple: true }) as number;
        raw.pragma(`cache_size = -${BULK_CACHE_MIB * 1024}`);
        try {
          return await fn();
        } finally {
          raw.pragma(`cache_size = ${normal}`);
          raw.pragma('shrink_memory');
        }
      },
      async transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T> {
        if (inTransaction) return fn(self);
        return exclusive(async () => {
          raw.exec('BEGIN IMMEDIATE');
          try {
            const value = await fn(make(true));
            raw.exec('COMMIT');
            return value;
          } catch (error) {
            if (raw.inTransaction) raw.exec('ROLLBACK');
            throw error;
          }
        });
      },
      serialize: async () => undefined,
      whileIdle: (fn) => guard(fn),
    };
    return self;
  };
  return make(false);
}

type PgRunner = { execute(query: SQL): PromiseLike<unknown> };

export function pgExecutor(db: PgDb, schema: string): Executor {
  const make = (runner: PgRunner, inTransaction: boolean): Executor => {
    const self: Executor = {
      dialect: 'postgres',
      table: (name) => sql.raw(`${quoteIdent(schema)}.${quoteIdent(name)}`),
      inList: (column, values) =>
        values.length === 0
          ? sql`1 = 0`
          : sql`${column} IN (${sql.join(
              values.map((v) => sql`${v}`),
              sql`, `,
            )})`,
      rows: <T extends Row>(query: SQL) => queryRows(runner, query) as Promise<T[]>,
      column: async (query) => (await queryRows(runner, query)).map((row) => Object.values(row)[0]),
      tuples: async (query) => (await queryRows(runner, query)).map((row) => Object.values(row)),
      async run(query) {
        const result = (await runner.execute(query)) as { rowCount?: number | null; affectedRows?: number };
        return result.rowCount ?? result.affectedRows ?? 0;
      },
      async insert(table, list) {
        const columns = columnsOf(table);
        const names = sql.raw(columns.map((c) => quoteIdent(c.name)).join(', '));
        // Postgres takes at most 65,535 parameters per statement.
        const perStatement = Math.max(1, Math.floor(60_000 / columns.length));
        for (let i = 0; i < list.length; i += perStatement) {
          const values = list.slice(i, i + perStatement).map(
            (row) =>
              sql`(${sql.join(
                valuesOf(row, columns).map((v) => sql`${v}`),
                sql`, `,
              )})`,
          );
          await runner.execute(
            sql`INSERT INTO ${self.table(getTableName(table))} (${names}) VALUES ${sql.join(values, sql`, `)}`,
          );
        }
      },
      async withoutIndexes(table, fn) {
        // Indexes that back a constraint (primary key, unique) stay.
        const indexes = (await queryRows(
          runner,
          sql`SELECT indexname, indexdef FROM pg_indexes i WHERE schemaname = ${schema} AND tablename = ${table}
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
        )) as { indexname: string; indexdef: string }[];
        for (const index of indexes) {
          await runner.execute(sql.raw(`DROP INDEX ${quoteIdent(schema)}.${quoteIdent(index.indexname)}`));
        }
        const value = await fn();
        for (const index of indexes) await runner.execute(sql.raw(index.indexdef));
        return value;
      },
      async withBulkMemory(fn) {
        // SET LOCAL ends with the transaction.
        await runner.execute(sql.raw(`SET LOCAL maintenance_work_mem = '${BULK_CACHE_MIB}MB'`));
        return fn();
      },
      async transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T> {
        if (inTransaction) return fn(self);
        return db.transaction((tx) => fn(make(tx, true)));
      },
      async serialize(key, mode = 'exclusive') {
        const lock = sql.raw(mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock');
        await runner.execute(sql`SELECT ${lock}(hashtext(${`${schema}:${key}`}))`);
      },
      whileIdle: (fn) => fn(),
    };
    return self;
  };
  return make(db, false);
}

/** A text column's value, or null (NULL, or not text at all). */
export function toText(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A timestamp column as ISO text: timestamptz comes back as a Date from Postgres, as ISO text from SQLite. */
export function toIso(value: unknown): string {
  return new Date(value as string | Date).toISOString();
}

export function toIsoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : toIso(value);
}

/** count(*) is a bigint on Postgres (a string through pg); a number on SQLite. */
export function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value ?? 0);
}

/**
 * A unique constraint refused a row, told by the driver's error code (SQLite
 * `SQLITE_CONSTRAINT_UNIQUE` / `_PRIMARYKEY`, Postgres and PGlite `23505`), never by message text,
 * which changes between versions and languages. drizzle wraps driver errors: the cause is checked too.
 */
export function isUniqueViolation(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 3; depth++) {
    const code = (current as { code?: unknown }).code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
