// Loads the generated customers into a tenant store through the projection's repository, in a
// process of its own (bench/customers.ts starts it), so the memory a bulk load leaves behind does
// not count against the process whose memory the benchmark measures. Settings arrive as JSON on
// stdin: the store's keys never appear on a command line.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { createKeyring } from '../src/core/crypto/keyring';
import { createCustomersRepo } from '../src/core/customers/customers.repo.sql';
import { pgExecutor, sqliteExecutor, type Executor } from '../src/core/db/executor';
import { connectPostgres } from '../src/core/db/postgres';
import { openEncryptedSqlite } from '../src/core/db/sqlite';
import { systemClock, uuidv7Source } from '../src/core/deps';
import { customerGenerator } from './customer-data';

const input = z
  .object({
    count: z.number().int().positive(),
    tenantId: z.string(),
    master: z.string(),
    store: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('sqlite'), file: z.string(), key: z.string() }),
      z.object({ kind: z.literal('postgres'), url: z.string(), schema: z.string() }),
    ]),
  })
  .parse(JSON.parse(readFileSync(0, 'utf8')));

let db: Executor;
let close: () => Promise<void>;
if (input.store.kind === 'sqlite') {
  const raw = openEncryptedSqlite(input.store.file, Buffer.from(input.store.key, 'hex'));
  // A large page cache for the load only: the word index takes its rows in random order.
  raw.pragma('cache_size = -1048576');
  db = sqliteExecutor(raw);
  close = async () => {
    raw.close();
  };
} else {
  const connection = await connectPostgres(input.store.url);
  db = pgExecutor(connection.db, input.store.schema);
  close = () => connection.close();
}
const ids = uuidv7Source(systemClock);
const keyring = createKeyring({
  db,
  tenantId: input.tenantId,
  master: Buffer.from(input.master, 'hex'),
  clock: systemClock,
  ids,
});
await keyring.ready();
const repo = createCustomersRepo(db, keyring);
const generate = customerGenerator();
const PAGE = 5_000;
// Secondary indexes are dropped for the load and built once at the end; the customers commit in
// transactions of 100,000, so the SQLite write-ahead log stays bounded (one transaction of a million
// customers left a log of 8 GB to check in afterwards; one per 5,000 rewrote the word index's pages
// at every checkpoint).
const PER_TRANSACTION = 100_000;
await db.withoutIndexes('customer_words', () =>
  db.withoutIndexes('customers', async () => {
    for (let start = 0; start < input.count; start += PER_TRANSACTION) {
      await db.transaction(async (tx) => {
        for (let from = start; from < Math.min(input.count, start + PER_TRANSACTION); from += PAGE) {
          const page = Array.from({ length: Math.min(PAGE, input.count - from) }, (_, j) => generate(from + j));
          await repo.insertMany(page, tx);
        }
      });
      console.error(`bench:   ${Math.min(input.count, start + PER_TRANSACTION).toLocaleString('en')} customers loaded`);
    }
  }),
);
await close();
