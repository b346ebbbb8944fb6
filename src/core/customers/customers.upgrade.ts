// Customer events written before field encryption (schema version 1) hold personal fields in plain
// JSON. This seals them in place, once per store, with each customer's data key: the one time the
// log is rewritten, so that erasure can reach those customers too.
import { sql } from 'drizzle-orm';
import type { Keyring } from '../crypto/keyring';
import { toNumber, type Executor } from '../db/executor';
import { customerCreated, customerUpdated, created, decode, subjectOfStream, updated } from './customers.events';
import type { StoredEvent } from '../events/event-store';

export async function sealPlainCustomerEvents(db: Executor, keyring: Keyring): Promise<number> {
  const events = db.table('events');
  return db.transaction(async (tx) => {
    const rows = await tx.rows(sql`SELECT position, stream, version, type, schema_version, data FROM ${events}
      WHERE type IN (${customerCreated.type}, ${customerUpdated.type}) AND schema_version = 1 ORDER BY position`);
    for (const row of rows) {
      const event = {
        position: toNumber(row['position']),
        stream: String(row['stream']),
        version: toNumber(row['version']),
        type: String(row['type']),
        schemaVersion: 1,
        data: JSON.parse(String(row['data'])) as unknown,
      } as StoredEvent;
      const key = await keyring.dataKey(subjectOfStream(event.stream), tx, true);
      if (!key) throw new Error(`no data key for ${event.stream}`);
      const fact = decode(event, null);
      const sealed =
        fact.kind === 'created' && fact.fields
          ? created(key, fact.fields)
          : fact.kind === 'updated' && fact.changes
            ? updated(key, fact.changes)
            : null;
      if (!sealed) throw new Error(`${event.stream}: cannot seal event at position ${event.position}`);
      await tx.run(sql`UPDATE ${events} SET data = ${JSON.stringify(sealed.data)}, schema_version = ${sealed.schemaVersion}
        WHERE position = ${event.position}`);
    }
    return rows.length;
  });
}
