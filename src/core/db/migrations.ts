// Applies the committed drizzle-kit migrations (resources/migrations/<dialect>/<store>) to one store.
// Our own runner rather than drizzle's migrator because one set of tenant migrations is applied to
// many stores: each SQLite tenant file, and each tenant schema on Postgres (with search_path set).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const journalSchema = z.object({
  entries: z.array(z.object({ idx: z.number().int(), tag: z.string(), when: z.number() })),
});

export interface Migration {
  readonly tag: string;
  readonly statements: readonly string[];
}

export type Dialect = 'sqlite' | 'pg';
export type StoreKind = 'system' | 'tenant';

const cache = new Map<string, Migration[]>();

export function loadMigrations(migrationsDir: string, dialect: Dialect, store: StoreKind): Migration[] {
  const dir = join(migrationsDir, dialect, store);
  const cached = cache.get(dir);
  if (cached) return cached;
  const journal = journalSchema.parse(JSON.parse(readFileSync(join(dir, 'meta', '_journal.json'), 'utf8')));
  const migrations = [...journal.entries]
    .sort((a, b) => a.idx - b.idx)
    .map((entry) => ({
      tag: entry.tag,
      statements: readFileSync(join(dir, `${entry.tag}.sql`), 'utf8')
        .split('--> statement-breakpoint')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    }));
  cache.set(dir, migrations);
  return migrations;
}

/** The bookkeeping table, the same in every store. */
export const MIGRATIONS_TABLE = 'kontor_migrations';
