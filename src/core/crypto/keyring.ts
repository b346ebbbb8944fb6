// The key hierarchy of one tenant: master key (installation key store) → key-encryption key (one
// per tenant, wrapped with the master key) → data keys (one per data subject, wrapped with the
// KEK). Personal fields are sealed with their subject's data key; deleting that key makes every
// copy of them unreadable (crypto-shredding), in the event log and in any backup made afterwards.
import { createHmac } from 'node:crypto';
import { getTableName, sql } from 'drizzle-orm';
import { AppError } from '../../shared/errors';
import type { Executor } from '../db/executor';
import { col, rowsInChunks, selectColumns, toNumber } from '../db/executor';
import { dataKeysSqlite, keyEncryptionKeysSqlite } from './keys.schema';
import type { Clock, IdSource } from '../deps';
import { yieldToEventLoop } from '../yield';
import { cryptoPool, type CryptoItem, type CryptoOutcome } from './crypto-pool';
import { decrypt, encrypt, openText, sealText } from './aead';
import { randomKey } from './random';

export interface DataKey {
  /** The company whose keyring holds the key: bound into what it seals. */
  readonly tenantId: string;
  readonly subject: string;
  readonly id: string;
  readonly key: Buffer;
}

export interface KeyStatus {
  readonly kekVersion: number;
  readonly kekCreatedAt: string;
  readonly masterId: string;
  readonly dataKeys: number;
}

export interface Keyring {
  /** The company whose keys these are: bound into what they seal. */
  readonly tenantId: string;
  /** Makes sure the tenant has a KEK and an index key; call once, outside a transaction. */
  ready(): Promise<void>;
  /** The subject's data key; with `create`, made inside `tx` when missing. Null when there is none (erased). */
  dataKey(subject: string, tx?: Executor, create?: boolean): Promise<DataKey | null>;
  /** Data keys of many subjects at once (replay, lists); erased subjects are absent from the map. */
  dataKeys(subjects: Iterable<string>, tx?: Executor): Promise<Map<string, DataKey>>;
  /** New keys for new subjects (an import's customers), in `tx`: one statement for all of them. */
  createMany(subjects: readonly string[], tx: Executor): Promise<Map<string, DataKey>>;
  /**
   * Many sealed JSON values (sealJson) of many subjects opened at once on the crypto pool; a value
   * whose subject's key is gone reads as null. For bulk work (replay): the calling thread is free meanwhile.
   */
  openMany(requests: readonly { subject: string; aad: string; sealed: string }[], tx?: Executor): Promise<unknown[]>;
  /** Deletes the subject's data key: whatever was sealed with it can never be read again. */
  shred(subject: string, tx: Executor): Promise<boolean>;
  /** A new KEK version; every data key is re-wrapped with it and the old KEK deleted. Data stays as it is. */
  rotate(onProgress?: (done: number, total: number) => void): Promise<{ kekVersion: number; rewrapped: number }>;
  status(): Promise<KeyStatus>;
  /** The key of keyed hashes for equality lookups (an IBAN for duplicates; an HMAC key, never used to encrypt). */
  indexKey(): Promise<Buffer>;
}

/** A keyed fingerprint of the master key: stored beside what it wrapped, reveals nothing about it. */
export function masterKeyId(master: Buffer): string {
  return createHmac('sha256', master).update('kontor:master-key-id').digest('hex').slice(0, 16);
}

const INDEX_SUBJECT = 'tenant:search-index';
const kekAad = (tenantId: string, version: number) => `kontor:kek:${tenantId}:${version}`;
const dataKeyAad = (subject: string, id: string) => `kontor:data-key:${subject}:${id}`;

interface Kek {
  readonly version: number;
  readonly key: Buffer;
  readonly createdAt: string;
}

export interface KeyringDeps {
  readonly db: Executor;
  readonly tenantId: string;
  readonly master: Buffer;
  readonly clock: Clock;
  readonly ids: IdSource;
}

/** Columns and rows come from the table definitions (keys.schema.ts): see selectColumns and col. */
const k = keyEncryptionKeysSqlite;
const d = dataKeysSqlite;
type DataKeyRow = Record<keyof typeof d.$inferSelect, unknown>;
const kekColumns = sql.join(
  [k.version, k.masterId, k.wrapped, k.createdAt].map((c) => col(c)),
  sql`, `,
);
const dataKeyColumns = sql.join(
  [d.subject, d.id, d.kekVersion, d.wrapped, d.createdAt].map((c) => col(c)),
  sql`, `,
);

export function createKeyring({ db, tenantId, master, clock, ids }: KeyringDeps): Keyring {
  const keks = db.table(getTableName(k));
  const dataKeysTable = db.table(getTableName(d));
  const myMaster = masterKeyId(master);
  /** Filled only from reads outside a transaction, so it never holds a key that is rolled back. */
  const cache = new Map<string, DataKey>();
  let kek: Kek | null = null;
  let indexKey: DataKey | null = null;

  function wrapKek(version: number, key: Buffer): string {
    return encrypt(master, key, kekAad(tenantId, version)).toString('base64');
  }

  async function loadKek(tx: Executor): Promise<Kek> {
    let [row] = await tx.rows(sql`SELECT ${selectColumns(k)} FROM ${keks} ORDER BY ${col(k.version)} DESC LIMIT 1`);
    if (!row) {
      const createdAt = clock.now().toISOString();
      await tx.run(sql`INSERT INTO ${keks} (${kekColumns})
        VALUES (1, ${myMaster}, ${wrapKek(1, randomKey(32))}, ${createdAt}) ON CONFLICT DO NOTHING`);
      [row] = await tx.rows(sql`SELECT ${selectColumns(k)} FROM ${keks} ORDER BY ${col(k.version)} DESC LIMIT 1`);
    }
    if (!row) throw new Error('the key-encryption key could not be stored');
    const stored = row as Record<keyof typeof k.$inferSelect, unknown>;
    const version = toNumber(stored.version);
    if (stored.masterId !== myMaster) {
      throw new AppError(
        'locked',
        "This company's data was encrypted with another installation's master key. Import that installation's key backup (kontor keys import) to open it.",
      );
    }
    try {
      const key = decrypt(master, Buffer.from(String(stored.wrapped), 'base64'), kekAad(tenantId, version));
      return { version, key, createdAt: String(stored.createdAt) };
    } catch {
      throw new AppError('locked', "This company's key-encryption key is damaged and cannot be unwrapped.");
    }
  }

  async function currentKek(tx: Executor): Promise<Kek> {
    kek ??= await loadKek(tx);
    return kek;
  }

  async function unwrap(subject: string, row: DataKeyRow, tx: Executor): Promise<DataKey> {
    const id = String(row.id);
    const version = toNumber(row.kekVersion);
    let wrapping = await currentKek(tx);
    // Another desk may have rotated the KEK since this one loaded it.
    if (wrapping.version !== version) wrapping = kek = await loadKek(tx);
    if (wrapping.version !== version) {
      throw new AppError(
        'internal',
        `the data key of ${subject} is wrapped with KEK version ${version}, which is gone`,
      );
    }
    const key = decrypt(wrapping.key, Buffer.from(String(row.wrapped), 'base64'), dataKeyAad(subject, id));
    return { tenantId, subject, id, key };
  }

  /** The KEK new keys are wrapped with: the one current inside `tx`, not one a rotation has replaced. */
  async function kekForCreation(tx: Executor): Promise<Kek> {
    // Creations run side by side; a rotation (exclusive) waits for them and they for it.
    await tx.serialize('keys', 'shared');
    const [latest] = await tx.rows(sql`SELECT max(${col(k.version)}) AS v FROM ${keks}`);
    if (kek === null || toNumber(latest?.['v']) !== kek.version) kek = await loadKek(tx);
    return kek;
  }

  async function create(subject: string, tx: Executor): Promise<DataKey> {
    const wrapping = await kekForCreation(tx);
    const made: DataKey = { tenantId, subject, id: ids.next(), key: randomKey(32) };
    const wrapped = encrypt(wrapping.key, made.key, dataKeyAad(subject, made.id)).toString('base64');
    const inserted = await tx.run(sql`INSERT INTO ${dataKeysTable} (${dataKeyColumns})
      VALUES (${subject}, ${made.id}, ${wrapping.version}, ${wrapped}, ${clock.now().toISOString()})
      ON CONFLICT (${col(d.subject)}) DO NOTHING`);
    if (inserted === 1) return made;
    // Another writer made it first: use theirs.
    const theirs = (await dataKeys([subject], tx)).get(subject);
    if (!theirs) throw new Error(`the data key of ${subject} could not be stored`);
    return theirs;
  }

  /**
   * Every call reads the rows of the keys it needs (one indexed query per 500 subjects); only the
   * unwrapping is cached. So a key another desk sharing the database has shredded stops working
   * here at the next call, not when this process restarts.
   */
  async function dataKeys(subjects: Iterable<string>, tx: Executor = db): Promise<Map<string, DataKey>> {
    const found = new Map<string, DataKey>();
    for (const [subject, row] of await keyRows(subjects, tx)) {
      const cached = cache.get(subject);
      if (cached && cached.id === String(row.id)) {
        found.set(subject, cached);
        continue;
      }
      const key = await unwrap(subject, row, tx);
      if (tx === db) cache.set(subject, key);
      found.set(subject, key);
    }
    return found;
  }

  /** The stored rows of the subjects' data keys; a subject without one (shredded) is absent and leaves the cache. */
  async function keyRows(subjects: Iterable<string>, tx: Executor): Promise<Map<string, DataKeyRow>> {
    const wanted = [...new Set(subjects)];
    const rows = await rowsInChunks(wanted, (chunk) =>
      tx.rows<DataKeyRow>(
        sql`SELECT ${selectColumns(d)} FROM ${dataKeysTable} WHERE ${tx.inList(col(d.subject), chunk)}`,
      ),
    );
    const found = new Map(rows.map((row) => [String(row.subject), row]));
    for (const subject of wanted) if (!found.has(subject)) cache.delete(subject);
    return found;
  }

  /**
   * Opens many sealed values at once, on the crypto pool's threads: a replay decrypts a page while
   * the previous one is written. Keys not yet unwrapped here are unwrapped there too. A value whose
   * subject's key is gone (erased) opens as `null`.
   */
  async function openMany(
    requests: readonly { subject: string; aad: string; sealed: string }[],
    tx: Executor = db,
  ): Promise<unknown[]> {
    const rows = await keyRows(
      requests.map((r) => r.subject),
      tx,
    );
    let wrapping = await currentKek(tx);
    const items: CryptoItem[] = [];
    const at: number[] = [];
    for (let i = 0; i < requests.length; i++) {
      const { subject, aad, sealed } = requests[i] as (typeof requests)[number];
      const row = rows.get(subject);
      if (!row) continue;
      const id = String(row.id);
      const value = sealedPart({ subject, id }, sealed);
      const cached = cache.get(subject);
      let key: CryptoItem['key'];
      if (cached && cached.id === id) key = cached.key;
      else {
        const version = toNumber(row.kekVersion);
        if (wrapping.version !== version) wrapping = kek = await loadKek(tx);
        if (wrapping.version !== version) {
          throw new AppError(
            'internal',
            `the data key of ${subject} is wrapped with KEK version ${version}, which is gone`,
          );
        }
        key = { wrapped: String(row.wrapped), aad: dataKeyAad(subject, id) };
      }
      items.push({ key, aad, value });
      at.push(i);
    }
    const opened = await cryptoPool().open({ items, wrapping: wrapping.key });
    const values: unknown[] = requests.map(() => null);
    for (let n = 0; n < opened.length; n++) {
      const outcome = opened[n] as CryptoOutcome;
      const i = at[n] ?? 0;
      if (!outcome.ok)
        throw new Error(`${requests[i]?.subject ?? '?'}: a sealed value does not open (${outcome.error})`);
      values[i] = JSON.parse(outcome.value) as unknown;
    }
    return values;
  }

  async function dataKey(subject: string, tx: Executor = db, make = false): Promise<DataKey | null> {
    const found = (await dataKeys([subject], tx)).get(subject);
    if (found) return found;
    if (!make) return null;
    return tx === db ? db.transaction((inner) => create(subject, inner)) : create(subject, tx);
  }

  return {
    tenantId,
    async ready() {
      kek = await db.transaction((tx) => loadKek(tx));
      await dataKey(INDEX_SUBJECT, db, true);
      // Read back once made, so it is cached: writes use it inside their transactions.
      indexKey = await dataKey(INDEX_SUBJECT, db);
    },
    dataKey,
    dataKeys,
    async createMany(subjects, tx) {
      const wrapping = await kekForCreation(tx);
      const createdAt = clock.now().toISOString();
      const made = new Map<string, DataKey>();
      const rows: (typeof d.$inferInsert)[] = [];
      for (const subject of subjects) {
        const key: DataKey = { tenantId, subject, id: ids.next(), key: randomKey(32) };
        const wrapped = encrypt(wrapping.key, key.key, dataKeyAad(subject, key.id)).toString('base64');
        rows.push({ subject, id: key.id, kekVersion: wrapping.version, wrapped, createdAt });
        made.set(subject, key);
      }
      // A subject that has a key already fails the insert (primary key): new subjects only.
      await tx.insert(d, rows);
      return made;
    },
    openMany,
    async shred(subject, tx) {
      cache.delete(subject);
      return (await tx.run(sql`DELETE FROM ${dataKeysTable} WHERE ${col(d.subject)} = ${subject}`)) === 1;
    },
    async rotate(onProgress) {
      const next = await db.transaction(async (tx) => {
        await tx.serialize('keys');
        const old = await loadKek(tx);
        const fresh: Kek = { version: old.version + 1, key: randomKey(32), createdAt: clock.now().toISOString() };
        await tx.run(sql`INSERT INTO ${keks} (${kekColumns})
          VALUES (${fresh.version}, ${myMaster}, ${wrapKek(fresh.version, fresh.key)}, ${fresh.createdAt})`);
        // Progress and the result count the subjects' keys, as status does (the search index key is
        // re-wrapped too, but it is not a customer's key).
        const [count] = await tx.rows(
          sql`SELECT count(*) AS n FROM ${dataKeysTable} WHERE ${col(d.subject)} <> ${INDEX_SUBJECT}`,
        );
        const total = toNumber(count?.['n']);
        let done = 0;
        let after = '';
        for (;;) {
          const rows = await tx.rows<DataKeyRow>(sql`SELECT ${selectColumns(d)} FROM ${dataKeysTable}
            WHERE ${col(d.subject)} > ${after} ORDER BY ${col(d.subject)} LIMIT 1000`);
          if (rows.length === 0) break;
          for (const row of rows) {
            const subject = String(row.subject);
            const id = String(row.id);
            const plain = decrypt(old.key, Buffer.from(String(row.wrapped), 'base64'), dataKeyAad(subject, id));
            const wrapped = encrypt(fresh.key, plain, dataKeyAad(subject, id)).toString('base64');
            await tx.run(sql`UPDATE ${dataKeysTable} SET ${col(d.kekVersion)} = ${fresh.version}, ${col(d.wrapped)} = ${wrapped}
              WHERE ${col(d.subject)} = ${subject}`);
            after = subject;
            if (subject !== INDEX_SUBJECT) done += 1;
          }
          onProgress?.(done, total);
          await yieldToEventLoop();
        }
        await tx.run(sql`DELETE FROM ${keks} WHERE ${col(k.version)} < ${fresh.version}`);
        return { kek: fresh, rewrapped: done };
      });
      kek = next.kek;
      return { kekVersion: next.kek.version, rewrapped: next.rewrapped };
    },
    async status() {
      const current = await db.transaction((tx) => loadKek(tx));
      const [count] = await db.rows(
        sql`SELECT count(*) AS n FROM ${dataKeysTable} WHERE ${col(d.subject)} <> ${INDEX_SUBJECT}`,
      );
      return {
        kekVersion: current.version,
        kekCreatedAt: current.createdAt,
        masterId: myMaster,
        dataKeys: toNumber(count?.['n']),
      };
    },
    async indexKey() {
      if (!indexKey) throw new Error('the keyring is not ready');
      return indexKey.key;
    },
  };
}

/** Sealed values read `e1:<data key id>:<base64>`; the id says which key to ask for. */
const SEALED = /^e1:([^:]+):([A-Za-z0-9+/=]+)$/;

export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && SEALED.test(value);
}

export function sealJson(key: DataKey, aad: string, value: unknown): string {
  return `e1:${key.id}:${sealText(key.key, aad, JSON.stringify(value))}`;
}

/** sealJson for many values at once, spread over the crypto pool's threads and this one (import). */
export async function sealJsonMany(items: readonly { key: DataKey; aad: string; value: unknown }[]): Promise<string[]> {
  const sealed = await cryptoPool().seal({
    items: items.map(({ key, aad, value }) => ({ key: key.key, aad, value: JSON.stringify(value) })),
    here: true,
  });
  return sealed.map((outcome, i) => {
    if (!outcome.ok) throw new Error(`${items[i]?.key.subject ?? '?'}: a value could not be sealed (${outcome.error})`);
    return `e1:${items[i]?.key.id ?? ''}:${outcome.value}`;
  });
}

/** openJson for many values at once, spread over the crypto pool's threads and this one (exports). */
export async function openJsonMany(
  items: readonly { key: DataKey; aad: string; sealed: string }[],
): Promise<unknown[]> {
  const opened = await cryptoPool().open({
    items: items.map(({ key, aad, sealed }) => ({ key: key.key, aad, value: sealedPart(key, sealed) })),
    here: true,
  });
  return opened.map((outcome, i) => {
    if (!outcome.ok)
      throw new Error(`${items[i]?.key.subject ?? '?'}: a sealed value does not open (${outcome.error})`);
    return JSON.parse(outcome.value) as unknown;
  });
}

/** The base64 part of a sealed value, after checking it was sealed with this key. */
function sealedPart(key: Pick<DataKey, 'subject' | 'id'>, sealed: string): string {
  const match = SEALED.exec(sealed);
  if (!match) throw new AppError('internal', `${key.subject}: a sealed value has an unknown format`);
  if (match[1] !== key.id) throw new AppError('internal', `${key.subject}: sealed with another data key (${match[1]})`);
  return match[2] ?? '';
}

export function openJson(key: DataKey, aad: string, sealed: string): unknown {
  return JSON.parse(openText(key.key, aad, sealedPart(key, sealed))) as unknown;
}
