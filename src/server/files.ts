// Files of imports and exports on the Kontor server, for any number of instances: a desk uploads
// the file the user chose to one instance and the import may run on another; an export writes on
// the instance that runs it and the desk fetches the file from whichever answers. So the grant
// (which connection may read or write the file) is a row of the system store, and a file's content
// goes there too once it exists — an upload as it arrives, an export when its call ends (settle) —
// sealed in chunks with a key every instance has. An upload is read from disk where it arrived;
// another instance brings it into its own directory once. An export is handed over from the
// database by whichever instance is asked, once. Everything is removed after an hour at most
// (sweep), and an export as soon as it has been fetched.
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { getTableName, sql } from 'drizzle-orm';
import { decrypt, encrypt } from '../core/crypto/aead';
import { col, toNumber, type Executor } from '../core/db/executor';
import type { FileAccess, SharedFiles } from '../core/files';
import { serverFileChunksPg as chunks, serverFilesPg as files } from './files.schema';

/** Uploaded and written files older than this are removed (they hold personal data). */
export const FILE_TTL_MS = 60 * 60_000;
/** Bytes of a file per stored chunk. */
const CHUNK_BYTES = 1024 * 1024;

export interface ServerFiles extends SharedFiles {
  /** A new place in this instance's directory for a file the desk calls `name` (cleaned). */
  placeFor(name: string): string;
  /** An upload that arrived at `path` (from placeFor): stored and granted to the connection for reading. */
  upload(connection: string, path: string, name: string): Promise<string>;
  /** A place an export writes to, granted to the connection for writing. */
  place(connection: string, name: string): Promise<string>;
  /** After a call of `connection` ended: what it wrote here is stored, so that any instance can hand it over. */
  settle(connection: string): Promise<void>;
  /** The export `id` of `connection`, once (then removed); null when there is none or it was not written. */
  take(connection: string, id: string): Promise<Readable | null>;
  /** Removes what is older than FILE_TTL_MS: files here, grants and contents everywhere. */
  sweep(now: number): Promise<void>;
}

interface Here {
  readonly connection: string;
  readonly path: string;
  readonly access: FileAccess;
  readonly at: number;
}

export function createServerFiles({
  db,
  directory,
  key,
}: {
  /** The system store (Postgres). */
  db: Executor;
  directory: string;
  /** Seals the stored contents; the same on every instance (an installation key). */
  key: Buffer;
}): ServerFiles {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const grants = db.table(getTableName(files));
  const contents = db.table(getTableName(chunks));
  /** Files this instance has on disk, by grant. */
  const here = new Map<string, Here>();
  const aad = (id: string, seq: number) => `server-file:${id}:${seq}`;
  const cleaned = (name: string) => name.replace(/[^\w.-]+/g, '_').slice(-80) || 'file';

  async function grantOf(id: string) {
    const [row] = await db.rows(sql`SELECT ${col(files.connection)} AS connection, ${col(files.access)} AS access,
      ${col(files.name)} AS name, ${col(files.size)} AS size FROM ${grants} WHERE ${col(files.id)} = ${id}`);
    if (!row) return null;
    const size = row['size'];
    return {
      connection: String(row['connection']),
      access: String(row['access']) as FileAccess,
      name: String(row['name']),
      size: size === null || size === undefined ? null : toNumber(size),
    };
  }

  /** Stores the file at `path` as the content of grant `id`, chunk by chunk (never whole in memory). */
  async function store(id: string, path: string): Promise<void> {
    const fd = openSync(path, 'r');
    try {
      await db.transaction(async (tx) => {
        await tx.run(sql`DELETE FROM ${contents} WHERE ${col(chunks.fileId)} = ${id}`);
        const buffer = Buffer.alloc(CHUNK_BYTES);
        let size = 0;
        for (let seq = 0; ; seq++) {
          const read = readSync(fd, buffer, 0, CHUNK_BYTES, null);
          if (read === 0 && seq > 0) break;
          const data = encrypt(key, buffer.subarray(0, read), aad(id, seq)).toString('base64');
          await tx.insert(chunks, [{ fileId: id, seq, data }]);
          size += read;
          if (read < CHUNK_BYTES) break;
        }
        await tx.run(sql`UPDATE ${grants} SET ${col(files.size)} = ${size} WHERE ${col(files.id)} = ${id}`);
      });
    } finally {
      closeSync(fd);
    }
  }

  /** The stored content of grant `id`, chunk by chunk, opened. */
  async function* content(id: string): AsyncGenerator<Buffer> {
    for (let seq = 0; ; seq++) {
      const [row] = await db.rows(sql`SELECT ${col(chunks.data)} AS data FROM ${contents}
        WHERE ${col(chunks.fileId)} = ${id} AND ${col(chunks.seq)} = ${seq}`);
      if (!row) return;
      yield decrypt(key, Buffer.from(String(row['data']), 'base64'), aad(id, seq));
    }
  }

  async function grant(connection: string, access: FileAccess, name: string): Promise<string> {
    const id = randomUUID();
    await db.insert(files, [{ id, connection, access, name, createdAt: new Date().toISOString() }]);
    return id;
  }

  function placeFor(name: string): string {
    return join(directory, `${randomUUID()}-${cleaned(name)}`);
  }

  return {
    placeFor,

    async upload(connection, path, name) {
      const id = await grant(connection, 'read', cleaned(name));
      here.set(id, { connection, path, access: 'read', at: Date.now() });
      await store(id, path);
      return id;
    },

    async place(connection, name) {
      const id = await grant(connection, 'write', cleaned(name));
      here.set(id, { connection, path: placeFor(name), access: 'write', at: Date.now() });
      return id;
    },

    async fetch(connection, id, access) {
      const local = here.get(id);
      if (local) return local.connection === connection && local.access === access ? local.path : null;
      const granted = await grantOf(id);
      if (!granted || granted.connection !== connection || granted.access !== access) return null;
      const path = placeFor(granted.name);
      if (access === 'read') {
        if (granted.size === null) return null;
        // Brought here once; the import reads it from disk like any file.
        const fd = openSync(path, 'wx', 0o600);
        try {
          for await (const piece of content(id)) writeSync(fd, piece);
        } catch (error) {
          rmSync(path, { force: true });
          throw error;
        } finally {
          closeSync(fd);
        }
      }
      here.set(id, { connection, path, access, at: Date.now() });
      return path;
    },

    async settle(connection) {
      for (const [id, local] of here) {
        if (local.connection !== connection || local.access !== 'write' || !existsSync(local.path)) continue;
        // Stored, it is fetched from the database by whichever instance is asked; the copy here goes.
        await store(id, local.path);
        here.delete(id);
        rmSync(local.path, { force: true });
      }
    },

    async take(connection, id) {
      // Once: the grant is claimed by deleting it, so of two requests at once only one gets the file.
      const [claimed] = await db.rows(sql`DELETE FROM ${grants} WHERE ${col(files.id)} = ${id}
        AND ${col(files.connection)} = ${connection} AND ${col(files.access)} = 'write'
        AND ${col(files.size)} IS NOT NULL RETURNING ${col(files.id)}`);
      if (!claimed) return null;
      const stream = Readable.from(content(id));
      // Gone as soon as it has been read (or the reader went away).
      stream.once('close', () => {
        void db.run(sql`DELETE FROM ${contents} WHERE ${col(chunks.fileId)} = ${id}`).catch(() => undefined);
      });
      return stream;
    },

    async sweep(now) {
      const before = new Date(now - FILE_TTL_MS).toISOString();
      // A file may go while this runs (its download just ended): missing ones are skipped.
      for (const name of readdirSync(directory)) {
        const path = join(directory, name);
        const modified = statSync(path, { throwIfNoEntry: false })?.mtimeMs;
        if (modified !== undefined && now - modified > FILE_TTL_MS) rmSync(path, { force: true });
      }
      for (const [id, local] of here) if (now - local.at > FILE_TTL_MS) here.delete(id);
      await db.transaction(async (tx) => {
        await tx.run(sql`DELETE FROM ${contents} WHERE ${col(chunks.fileId)} IN
          (SELECT ${col(files.id)} FROM ${grants} WHERE ${col(files.createdAt)} < ${before})`);
        await tx.run(sql`DELETE FROM ${grants} WHERE ${col(files.createdAt)} < ${before}`);
      });
    },
  };
}
