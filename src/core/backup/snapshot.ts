// Online copies of SQLite stores, consistent with each other, while the app goes on working.
//
// Each store gets a connection of its own that begins a read transaction while the app's own
// connection of every store is between two statements (its mutex, Executor.whileIdle): all the
// copies show the stores at one instant, and nothing the app does later reaches them. The rows
// are then copied in chunks (INSERT … SELECT into the copy, attached with its own key), yielding
// to the event loop between chunks, so calls go on being answered, progress is reported and a
// cancel takes effect within a chunk. Indexes are left to the restore (Snapshot.definitions).
//
// The copy is encrypted like every Kontor file (AEGIS-256), under a new random key: a backup
// never holds the live files' keys, and what it holds opens only with what its manifest seals.
import Database from 'better-sqlite3';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { AppError, throwIfCancelled } from '../../shared/errors';
import { keyPragmas, type SqliteDatabase } from '../db/sqlite';

export interface SnapshotSource {
  /** The file's name in the backup (`system.db`, `tenants/<id>.db`). */
  readonly name: string;
  readonly file: string;
  readonly key: Buffer;
  /** Runs `fn` while the app's connection to this store runs nothing (Executor.whileIdle). */
  readonly whileIdle: <T>(fn: () => Promise<T>) => Promise<T>;
}

export interface Snapshot {
  readonly name: string;
  /** The copy, encrypted under `key`. */
  readonly path: string;
  readonly key: Buffer;
  readonly bytes: number;
  /** Rows per table at the instant of the copy. */
  readonly rows: Readonly<Record<string, number>>;
  /**
   * The indexes, triggers and views, made when the copy is restored: without them a backup is
   * smaller and quicker, and never blocks the app for the seconds a large index takes to build.
   */
  readonly definitions: readonly string[];
}

export interface SnapshotOptions {
  readonly signal?: AbortSignal;
  readonly onRows?: (done: number, total: number) => void;
  /** Rows per INSERT … SELECT between two turns of the event loop. */
  readonly chunkRows?: number;
}

/** How long the copies wait for every store to be idle at once before trying again. */
const PIN_WAIT_MS = 2_000;
const PIN_ATTEMPTS = 5;

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
const hexKey = (key: Buffer) => `x'${key.toString('hex')}'`;

export function openKeyed(file: string, key: Buffer, options: Database.Options = {}): SqliteDatabase {
  const db = new Database(file, options);
  try {
    for (const pragma of keyPragmas(key)) db.pragma(pragma);
    db.pragma('temp_store = MEMORY');
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

interface SchemaRow {
  readonly type: string;
  readonly name: string;
  readonly tbl_name: string;
  readonly sql: string | null;
}

/** The definitions a copy makes itself, in their order; sqlite_sequence comes with AUTOINCREMENT. */
function schemaOf(db: SqliteDatabase, schema: 'main' | 'snap'): SchemaRow[] {
  return db
    .prepare(`SELECT type, name, tbl_name, sql FROM ${schema}.sqlite_schema WHERE sql IS NOT NULL ORDER BY rowid`)
    .all() as SchemaRow[];
}

/** Waits until every store is idle at once, then runs `fn` (short: it only begins transactions). */
async function whileAllIdle(sources: readonly SnapshotSource[], fn: () => void): Promise<void> {
  for (let attempt = 0; attempt < PIN_ATTEMPTS; attempt++) {
    const releases: (() => void)[] = [];
    let all = true;
    for (const source of sources) {
      const release = await holdIdle(source, PIN_WAIT_MS);
      if (!release) {
        all = false;
        break;
      }
      releases.push(release);
    }
    try {
      if (all) return fn();
    } finally {
      for (const release of releases) release();
    }
    // Some work holds a store and waits for another one held here: let it finish first.
    await new Promise((done) => setTimeout(done, 50 + Math.random() * 200));
  }
  throw new AppError('conflict', 'the stores were too busy to be copied; try the backup again', {
    reason: 'backup_busy',
  });
}

/** The store's turn, held until the returned function is called; null when it did not come in time. */
function holdIdle(source: SnapshotSource, waitMs: number): Promise<(() => void) | null> {
  return new Promise((resolve) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      resolve(null);
    }, waitMs);
    void source.whileIdle(
      () =>
        new Promise<void>((release) => {
          if (late) return release();
          clearTimeout(timer);
          resolve(release);
        }),
    );
  });
}

interface Copy {
  readonly source: SnapshotSource;
  readonly db: SqliteDatabase;
  readonly path: string;
  readonly key: Buffer;
  readonly schema: SchemaRow[];
}

/**
 * Copies the stores into `dir` (which exists and is the caller's to remove). All or nothing: on
 * an error or a cancel the copies made so far are left for the caller to delete.
 */
export async function snapshotSqlite(
  sources: readonly SnapshotSource[],
  dir: string,
  options: SnapshotOptions = {},
): Promise<Snapshot[]> {
  const { signal } = options;
  const chunkRows = options.chunkRows ?? 20_000;
  const copies: Copy[] = [];
  try {
    // Before the instant: a connection per store, and each copy's tables made and attached.
    for (const [i, source] of sources.entries()) {
      throwIfCancelled(signal, 'backup cancelled');
      const db = openKeyed(source.file, source.key, { fileMustExist: true });
      const path = `${dir}/${i}.db`;
      const key = randomBytes(32);
      const schema = schemaOf(db, 'main');
      copies.push({ source, db, path, key, schema });
      const target = openKeyed(path, key);
      try {
        target.pragma('journal_mode = OFF');
        target.pragma(`user_version = ${db.pragma('user_version', { simple: true }) as number}`);
        for (const row of schema) if (row.type === 'table' && !isInternal(row.name)) target.exec(row.sql as string);
        // The planner's statistics tables cannot be created by name; ANALYZE of the empty tables makes them.
        if (schema.some((row) => row.name.startsWith('sqlite_stat'))) target.exec('ANALYZE');
      } finally {
        target.close();
      }
      db.prepare('ATTACH DATABASE ? AS snap KEY ?').run(path, hexKey(key));
      // A copy that fails is thrown away: it needs no journal and no waiting for the disk.
      db.pragma('snap.journal_mode = OFF');
      db.pragma('snap.synchronous = OFF');
    }

    // The instant: every store idle, each connection reads its store as it is now.
    await whileAllIdle(sources, () => {
      for (const copy of copies) {
        copy.db.exec('BEGIN');
        copy.db.prepare('SELECT count(*) FROM main.sqlite_schema').get();
      }
    });

    // After it: the rows, counted first so progress can be told.
    const plans = copies.map((copy) => {
      const now = schemaOf(copy.db, 'main');
      if (JSON.stringify(now) !== JSON.stringify(copy.schema)) {
        throw new AppError('conflict', 'a store changed its tables while the backup began; try it again', {
          reason: 'backup_busy',
        });
      }
      const tables = copy.schema.filter((row) => row.type === 'table').map((row) => row.name);
      const rows: Record<string, number> = {};
      for (const table of tables) {
        rows[table] = copy.db
          .prepare(`SELECT count(*) FROM main.${quote(table)}`)
          .pluck()
          .get() as number;
      }
      return { copy, tables, rows };
    });
    const total = plans.reduce((sum, p) => sum + Object.values(p.rows).reduce((a, b) => a + b, 0), 0);
    let done = 0;
    options.onRows?.(done, total);

    for (const { copy, tables } of plans) {
      const { db } = copy;
      for (const table of tables) {
        if (isInternal(table)) {
          // Made by SQLite in the copy (AUTOINCREMENT, ANALYZE): replaced by the store's rows.
          if (db.prepare('SELECT 1 FROM snap.sqlite_schema WHERE name = ?').get(table)) {
            db.prepare(`DELETE FROM snap.${table}`).run();
            done += db.prepare(`INSERT INTO snap.${table} SELECT * FROM main.${table}`).run().changes;
          }
          continue;
        }
        const columns = (
          db.prepare(`PRAGMA main.table_xinfo(${quote(table)})`).all() as { name: string; hidden: number }[]
        )
          .filter((c) => c.hidden === 0)
          .map((c) => quote(c.name))
          .join(', ');
        const into = `INSERT INTO snap.${quote(table)} (${columns}) SELECT ${columns} FROM main.${quote(table)}`;
        if (!hasRowid(db, table)) {
          done += db.prepare(into).run().changes;
          continue;
        }
        const nextEnd = db
          .prepare(
            `SELECT rowid FROM main.${quote(table)} WHERE rowid > ? ORDER BY rowid LIMIT 1 OFFSET ${chunkRows - 1}`,
          )
          .pluck();
        const chunk = db.prepare(`${into} WHERE rowid > ? AND rowid <= ? ORDER BY rowid`);
        let from = Number.MIN_SAFE_INTEGER;
        for (;;) {
          throwIfCancelled(signal, 'backup cancelled');
          const end = (nextEnd.get(from) as number | undefined) ?? Number.MAX_SAFE_INTEGER;
          done += chunk.run(from, end).changes;
          options.onRows?.(done, total);
          if (end === Number.MAX_SAFE_INTEGER) break;
          from = end;
          await nextTurn();
        }
      }
      db.exec('COMMIT');
      db.exec('DETACH DATABASE snap');
    }

    return plans.map(({ copy, rows }) => ({
      name: copy.source.name,
      path: copy.path,
      key: copy.key,
      bytes: statSync(copy.path).size,
      rows,
      definitions: copy.schema.filter((row) => row.type !== 'table').map((row) => row.sql as string),
    }));
  } finally {
    for (const { db } of copies) {
      if (db.inTransaction) db.exec('ROLLBACK');
      db.close();
    }
  }
}

/** SQLite's own tables (AUTOINCREMENT's counters, the planner's statistics): made by SQLite, filled by copying. */
const isInternal = (table: string) => table.startsWith('sqlite_');

function hasRowid(db: SqliteDatabase, table: string): boolean {
  try {
    db.prepare(`SELECT rowid FROM main.${quote(table)} LIMIT 0`).all();
    return true;
  } catch {
    return false;
  }
}
