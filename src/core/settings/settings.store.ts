// One settings store per scope: the installation's lives in the system store, each company's in
// that company's store (so it travels, is backed up and is deleted with the company's data).
// Values are JSON, read back through a zod schema: a value of another shape reads as absent.
import { getTableName, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { col, type Executor } from '../db/executor';
import { settingsSqlite } from './settings.schema';

export interface SettingsStore {
  /** The value under `key` if it has the shape of `schema`, otherwise undefined. */
  get<T>(key: string, schema: z.ZodType<T>, tx?: Executor): Promise<T | undefined>;
  set(key: string, value: unknown, tx?: Executor): Promise<void>;
  /**
   * Stores `value` unless something is stored under `key` already, and answers what is stored:
   * of several processes making the same setting at once (instances of the server starting on a
   * fresh database), the first one's.
   */
  setOnce<T>(key: string, value: T, schema: z.ZodType<T>): Promise<T>;
  /** Whether anything is stored under `key`, whatever its shape. */
  has(key: string, tx?: Executor): Promise<boolean>;
  delete(key: string, tx?: Executor): Promise<void>;
}

export function createSettingsStore(db: Executor): SettingsStore {
  const table = db.table(getTableName(settingsSqlite));
  const k = col(settingsSqlite.key);
  const v = col(settingsSqlite.value);

  async function raw(key: string, tx: Executor): Promise<string | undefined> {
    const [row] = await tx.rows(sql`SELECT ${v} AS value FROM ${table} WHERE ${k} = ${key}`);
    return row ? String(row['value']) : undefined;
  }

  return {
    async get(key, schema, tx = db) {
      const text = await raw(key, tx);
      if (text === undefined) return undefined;
      const parsed = schema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    },
    async set(key, value, tx = db) {
      const text = JSON.stringify(value);
      await tx.run(sql`INSERT INTO ${table} (${k}, ${v}) VALUES (${key}, ${text})
        ON CONFLICT (${k}) DO UPDATE SET ${v} = excluded.${v}`);
    },
    async setOnce(key, value, schema) {
      await db.run(sql`INSERT INTO ${table} (${k}, ${v}) VALUES (${key}, ${JSON.stringify(value)})
        ON CONFLICT (${k}) DO NOTHING`);
      return (await this.get(key, schema)) ?? value;
    },
    async has(key, tx = db) {
      return (await raw(key, tx)) !== undefined;
    },
    async delete(key, tx = db) {
      await tx.run(sql`DELETE FROM ${table} WHERE ${k} = ${key}`);
    },
  };
}
