// Customer events written before field encryption (schema version 1) hold personal fields in plain
// JSON. This seals them in place, once per store, with each customer's data key: the one time the
// log is rewritten, so that erasure can reach those customers too.
import { getTableName, sql } from 'drizzle-orm';
import type { Keyring } from '../crypto/keyring';
import { col, selectColumns, toNumber, type Executor } from '../db/executor';
import { eventsSqlite as e } from '../events/events.schema';
import { customerCreated, customerUpdated, sealedLegacy, subjectOfStream } from './customers.events';
import type { StoredEvent } from '../events/event-store';

export async function sealPlainCustomerEvents(db: Executor, keyring: Keyring): Promise<number> {
  const events = db.table(getTableName(e));
  return db.transaction(async (tx) => {
    const rows = await tx.rows(sql`SELECT ${selectColumns(e)} FROM ${events}
      WHERE ${col(e.type)} IN (${customerCreated.type}, ${customerUpdated.type}) AND ${col(e.schemaVersion)} = 1
      ORDER BY ${col(e.position)}`);
    for (const row of rows) {
      const r = row as Record<keyof typeof e.$inferSelect, unknown>;
      const event = {
        position: toNumber(r.position),
        stream: String(r.stream),
        version: toNumber(r.version),
        type: String(r.type),
        schemaVersion: 1,
        data: JSON.parse(String(r.data)) as unknown,
      } as StoredEvent;
      const key = await keyring.dataKey(subjectOfStream(event.stream), tx, true);
      if (!key) throw new Error(`no data key for ${event.stream}`);
      // Version 1 held the fields (created) or `{ changes }` (updated) as plain JSON: sealed as
      // version 3, whose content has the same legacy shape.
      const data = event.data as { changes?: unknown };
      const sealed = sealedLegacy(key, event.type, event.type === customerCreated.type ? data : data.changes);
      await tx.run(sql`UPDATE ${events} SET ${col(e.data)} = ${JSON.stringify(sealed.data)},
        ${col(e.schemaVersion)} = ${sealed.schemaVersion} WHERE ${col(e.position)} = ${event.position}`);
    }
    return rows.length;
  });
}
