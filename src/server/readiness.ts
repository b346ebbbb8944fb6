// What `/readyz` asks of the database: that it answers, and that the system store has every
// migration this build knows (an instance of a newer build may be migrating it, or an older
// build's schema may be ahead of what this one can run against). Company stores migrate when
// they are first opened, under the same advisory lock.
import { sql } from 'drizzle-orm';
import type { Executor } from '../core/db/executor';
import { loadMigrations, MIGRATIONS_TABLE } from '../core/db/migrations';

export function systemMigrationsCurrent(system: Executor, migrationsDir: string): () => Promise<void> {
  const known = loadMigrations(migrationsDir, 'pg', 'system').map((migration) => migration.tag);
  return async () => {
    const applied = new Set((await system.column(sql`SELECT tag FROM ${system.table(MIGRATIONS_TABLE)}`)).map(String));
    const missing = known.filter((tag) => !applied.has(tag));
    if (missing.length > 0) throw new Error(`the database lacks migrations: ${missing.join(', ')}`);
  };
}
