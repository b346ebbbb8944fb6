// A thread with a second connection to every open SQLite store, for the work that need not hold up
// the main thread: WAL checkpoints.
//
// In WAL mode SQLite appends committed pages to the -wal file and later copies them back into the
// database file (a checkpoint). By default the connection that commits does that copy inside its
// commit: after a replay or a large import the user waits for it at the end (≈ 0.5 s per 100,000
// events), and the main process answers nothing else meanwhile. Here a store's own connection does
// not checkpoint (wal_autocheckpoint = 0); one worker thread per process holds a second connection
// to each file and runs PASSIVE checkpoints whenever its WAL has changed. A PASSIVE checkpoint
// never blocks a writer or a reader, and a crash during one loses nothing (the WAL still holds
// every frame it had not copied yet). When the thread cannot start or open a file, or ends, the
// store's connection checkpoints at its commits again, as SQLite does by default.
//
// The worker is plain JavaScript kept as text (as in crypto-pool.ts), so there is no worker file
// to bundle; it loads the same SQLite driver as the calling thread, by its resolved path.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the worker looks at the WAL files it watches (ms). */
const POLL_MS = 100;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require(workerData.driver);
const watched = new Map();
function signature(file) {
  const wal = fs.statSync(file + '-wal', { throwIfNoEntry: false });
  return wal ? wal.size + ':' + wal.mtimeMs : '';
}
// Copies what the WAL holds into the file; remembers the WAL as seen once nothing is left over
// (frames a reader still needed stay in the WAL, so the next tick looks again).
function checkpoint(file, entry, mode) {
  const seen = signature(file);
  const [row] = entry.db.pragma('wal_checkpoint(' + mode + ')');
  entry.seen = row.busy === 0 && row.checkpointed === row.log ? seen : '';
  parentPort.postMessage({ op: 'checkpointed', file, frames: row.checkpointed });
}
parentPort.on('message', (m) => {
  try {
    if (m.op === 'watch') {
      const entry = watched.get(m.file);
      if (entry) entry.users += 1;
      else {
        const db = new Database(m.file, { fileMustExist: true });
        try {
          for (const p of m.pragmas) db.pragma(p);
          db.prepare('SELECT count(*) FROM sqlite_master').get();
        } catch (e) { db.close(); throw e; }
        watched.set(m.file, { db, seen: '', users: 1 });
      }
    } else if (m.op === 'flush' || m.op === 'truncate') {
      const entry = watched.get(m.file);
      if (entry) checkpoint(m.file, entry, m.op === 'flush' ? 'PASSIVE' : 'TRUNCATE');
    } else if (m.op === 'unwatch') {
      const entry = watched.get(m.file);
      if (entry && --entry.users === 0) {
        watched.delete(m.file);
        entry.db.close();
      }
    }
    parentPort.postMessage({ id: m.id, ok: true });
  } catch (e) {
    parentPort.postMessage({ id: m.id, ok: false, error: String((e && e.message) || e) });
  }
});
setInterval(() => {
  for (const [file, entry] of watched) {
    try {
      if (signature(file) !== entry.seen) checkpoint(file, entry, 'PASSIVE');
    } catch (e) {
      watched.delete(file);
      try { entry.db.close(); } catch {}
      parentPort.postMessage({ op: 'lost', file, error: String((e && e.message) || e) });
    }
  }
}, ${POLL_MS});
`;

type Reply = { id: number; ok: true } | { id: number; ok: false; error: string };
type Notice = { op: 'checkpointed'; file: string; frames: number } | { op: 'lost'; file: string; error: string };

export interface WatchOptions {
  /** The pragmas that open the file on a new connection (cipher and key); see sqlite.ts. */
  readonly pragmas: readonly string[];
  /** The worker can no longer checkpoint this file: the store's connection must do it again. */
  readonly onLost: (reason: string) => void;
}

export type Unwatch = () => Promise<void>;

export interface StoreThread {
  /**
   * Takes over the checkpoints of `file`, resolving with the function that ends this watch (call
   * it before closing the store's own connection; the last watch of a file closes the thread's
   * connection to it); null, with nothing changed, when the thread cannot take them.
   */
  watch(file: string, options: WatchOptions): Promise<Unwatch | null>;
  /**
   * Checkpoints everything and truncates the WAL to zero bytes (after an erasure). Runs on the
   * worker's connection, so it does not compete with the worker's own checkpoints.
   * False when the file is not watched: then the caller does it on its own connection.
   */
  truncate(file: string): Promise<boolean>;
  /**
   * Checkpoints what the WAL of `file` holds now and resolves when done; until the next write the
   * thread leaves the file alone (for a consistent copy of the file, or a test that compares bytes).
   */
  flush(file: string): Promise<void>;
  /** Ends the thread; every file still watched is handed back (its onLost is called). */
  close(): Promise<void>;
  /** Checkpoints run so far, per file (for tests and diagnostics). */
  readonly checkpoints: ReadonlyMap<string, number>;
}

export function createStoreThread(): StoreThread {
  let worker: Worker | null = null;
  let next = 0;
  const waiting = new Map<number, (reply: Reply) => void>();
  /**
   * The files the thread checkpoints, with what to call when it no longer can: one entry per
   * watch (two stores of one file in a process share the thread's connection to it).
   */
  const watched = new Map<string, ((reason: string) => void)[]>();
  const lose = (file: string, reason: string) => {
    for (const onLost of watched.get(file) ?? []) onLost(reason);
    watched.delete(file);
  };
  const checkpoints = new Map<string, number>();

  function ended(w: Worker, reason: string) {
    if (worker !== w) return;
    worker = null;
    for (const [id, answer] of waiting) answer({ id, ok: false, error: reason });
    waiting.clear();
    for (const file of [...watched.keys()]) lose(file, reason);
  }

  function started(): Worker | null {
    if (worker) return worker;
    try {
      const driver = createRequire(import.meta.url).resolve('better-sqlite3');
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver } });
      w.on('message', (message: Reply | Notice) => {
        if ('id' in message) {
          waiting.get(message.id)?.(message);
          waiting.delete(message.id);
          if (waiting.size === 0) w.unref();
        } else if (message.op === 'checkpointed') {
          checkpoints.set(message.file, (checkpoints.get(message.file) ?? 0) + 1);
        } else {
          lose(message.file, message.error);
        }
      });
      w.on('error', (error) => ended(w, error.message));
      w.on('exit', (code) => ended(w, `the store thread ended (exit code ${code})`));
      // Unreferenced after the listeners (adding one references it again): the thread keeps the
      // process alive only while a call waits for its answer.
      w.unref();
      worker = w;
      return w;
    } catch {
      return null;
    }
  }

  function ask(message: { op: 'watch' | 'flush' | 'truncate' | 'unwatch'; file: string; pragmas?: readonly string[] }) {
    const w = started();
    if (!w) return Promise.resolve<Reply>({ id: -1, ok: false, error: 'no store thread' });
    const id = next++;
    return new Promise<Reply>((resolve) => {
      waiting.set(id, resolve);
      w.ref();
      w.postMessage({ ...message, id });
    });
  }

  /** A checkpoint on the thread's connection now; false when the thread does not hold the file. */
  async function checkpointNow(file: string, op: 'flush' | 'truncate'): Promise<boolean> {
    if (!watched.has(file)) return false;
    const reply = await ask({ op, file });
    if (!reply.ok) throw new Error(`cannot checkpoint ${file} (${op}): ${reply.error}`);
    return true;
  }

  return {
    checkpoints,
    async watch(file, { pragmas, onLost }) {
      const reply = await ask({ op: 'watch', file, pragmas });
      if (!reply.ok) return null;
      // Its own function object, so ending this watch never ends another store's of the same file.
      const mine = (reason: string) => onLost(reason);
      watched.set(file, [...(watched.get(file) ?? []), mine]);
      return async () => {
        const users = watched.get(file);
        if (!users?.includes(mine)) return;
        const rest = users.filter((u) => u !== mine);
        if (rest.length > 0) watched.set(file, rest);
        else watched.delete(file);
        await ask({ op: 'unwatch', file });
      };
    },
    truncate: (file) => checkpointNow(file, 'truncate'),
    async flush(file) {
      await checkpointNow(file, 'flush');
    },
    async close() {
      const w = worker;
      if (!w) return;
      ended(w, 'the store thread was closed');
      await w.terminate();
    },
  };
}

let shared: StoreThread | null = null;

/** The process's store thread, started at the first watch; it never keeps the process alive. */
export function storeThread(): StoreThread {
  shared ??= createStoreThread();
  return shared;
}
