// Bulk AES-256-GCM on worker threads. One core opens or seals about 150,000 values a second with
// node:crypto (each value has its own key, so each costs a cipher set-up); a replay or an import
// handles hundreds of thousands. The pool spreads a batch over worker threads (and, if asked, the
// calling thread), so a replay decrypts one page while the main thread writes the previous one.
//
// The work is one plain JavaScript function kept as text (BATCH_SOURCE): the workers evaluate it,
// and the calling thread compiles the same text, so both run exactly the same code whatever the
// bundler does to TypeScript (no build step for a worker file, in Electron, the CLI or tests).
// The layout is aead.ts's: nonce (12) | ciphertext | tag (16), base64; crypto-pool.test.ts checks
// that the two agree. A worker that fails takes its part back to the calling thread.
import * as nodeCrypto from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

const KEY_BYTES = 32;

/** A batch as it travels to a worker: keys packed into one buffer, everything else as arrays. */
interface BatchMessage {
  readonly op: 'open' | 'seal';
  /** KEY_BYTES per item; the item's own key (zeros where the key is wrapped). */
  readonly keys: Uint8Array;
  /** Per item: the item's key wrapped with `wrapping` (base64), or null when `keys` holds it. */
  readonly wrapped: readonly (string | null)[];
  readonly keyAads: readonly (string | null)[];
  readonly wrapping: Uint8Array | null;
  readonly aads: readonly string[];
  /** open: base64 sealed values; seal: plain texts. */
  readonly values: readonly string[];
  /** seal: 12 random bytes per item. */
  readonly nonces: Uint8Array | null;
}

interface BatchResult {
  /** open: plain texts; seal: base64 sealed values; null where the item failed. */
  readonly out: (string | null)[];
  readonly errors: (string | null)[];
}

/** The batch function, as text: no closures, no module references, nothing a bundler rewrites. */
const BATCH_SOURCE = `function (m, crypto) {
  var n = m.values.length, out = new Array(n), errors = new Array(n), unwrapped = new Map();
  for (var i = 0; i < n; i++) {
    try {
      var key, w = m.wrapped[i];
      if (w === null) key = Buffer.from(m.keys.buffer, m.keys.byteOffset + i * ${KEY_BYTES}, ${KEY_BYTES});
      else {
        key = unwrapped.get(w);
        if (key === undefined) {
          var kb = Buffer.from(w, 'base64');
          if (kb.length < 28) throw new Error('a wrapped key is too short');
          var kd = crypto.createDecipheriv('aes-256-gcm', m.wrapping, kb.subarray(0, 12));
          kd.setAAD(Buffer.from(m.keyAads[i], 'utf8'));
          kd.setAuthTag(kb.subarray(kb.length - 16));
          key = kd.update(kb.subarray(12, kb.length - 16));
          kd.final();
          unwrapped.set(w, key);
        }
      }
      if (m.op === 'open') {
        var s = Buffer.from(m.values[i], 'base64');
        if (s.length < 28) throw new Error('sealed data is too short');
        var d = crypto.createDecipheriv('aes-256-gcm', key, s.subarray(0, 12));
        d.setAAD(Buffer.from(m.aads[i], 'utf8'));
        d.setAuthTag(s.subarray(s.length - 16));
        var body = d.update(s.subarray(12, s.length - 16));
        d.final();
        out[i] = body.toString('utf8');
      } else {
        var iv = Buffer.from(m.nonces.buffer, m.nonces.byteOffset + i * 12, 12);
        var c = crypto.createCipheriv('aes-256-gcm', key, iv);
        c.setAAD(Buffer.from(m.aads[i], 'utf8'));
        var ct = c.update(m.values[i], 'utf8');
        c.final();
        out[i] = Buffer.concat([iv, ct, c.getAuthTag()]).toString('base64');
      }
      errors[i] = null;
    } catch (e) {
      out[i] = null;
      errors[i] = String((e && e.message) || e);
    }
  }
  return { out: out, errors: errors };
}`;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
const run = (${BATCH_SOURCE});
parentPort.on('message', (m) => parentPort.postMessage({ id: m.id, result: run(m.batch, crypto) }));
`;

type BatchFn = (message: BatchMessage, crypto: typeof nodeCrypto) => BatchResult;
// The same text as the workers run, compiled once for this thread.
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- our own constant source, see above
const compile = new Function(`return (${BATCH_SOURCE});`) as () => BatchFn;
const runHere = compile();

/** A value to open or seal, with its own key or with a key wrapped by the batch's wrapping key. */
export interface CryptoItem {
  readonly key: Buffer | { readonly wrapped: string; readonly aad: string };
  readonly aad: string;
  /** open: the sealed value (base64); seal: the plain text. */
  readonly value: string;
}

export type CryptoOutcome =
  { readonly ok: true; readonly value: string } | { readonly ok: false; readonly error: string };

export interface CryptoBatch {
  readonly items: readonly CryptoItem[];
  /** The key that wrapped the items' wrapped keys (a company's KEK). */
  readonly wrapping?: Buffer;
  /**
   * Whether the calling thread takes a share. A bulk job that waits for the result says yes; a
   * replay, which writes the previous page meanwhile, says no.
   */
  readonly here?: boolean;
}

export interface CryptoPool {
  open(batch: CryptoBatch): Promise<CryptoOutcome[]>;
  seal(batch: CryptoBatch): Promise<CryptoOutcome[]>;
  /** Batches run so far: on a worker, on the calling thread, and taken back from a failed worker. */
  readonly stats: { worker: number; here: number; takenBack: number };
  /** Stops the workers (they do not keep the process alive meanwhile). */
  close(): Promise<void>;
}

/** Below this many items a batch runs on the calling thread: a worker round trip costs more. */
const SMALL_BATCH = 64;

function message(op: 'open' | 'seal', items: readonly CryptoItem[], wrapping: Buffer | undefined): BatchMessage {
  const keys = new Uint8Array(items.length * KEY_BYTES);
  const wrapped: (string | null)[] = [];
  const keyAads: (string | null)[] = [];
  items.forEach((item, i) => {
    if (Buffer.isBuffer(item.key)) {
      if (item.key.length !== KEY_BYTES) throw new Error(`a key must have ${KEY_BYTES} bytes`);
      keys.set(item.key, i * KEY_BYTES);
      wrapped.push(null);
      keyAads.push(null);
    } else {
      if (!wrapping) throw new Error('a wrapped key needs the batch’s wrapping key');
      wrapped.push(item.key.wrapped);
      keyAads.push(item.key.aad);
    }
  });
  return {
    op,
    keys,
    wrapped,
    keyAads,
    wrapping: wrapping ?? null,
    aads: items.map((item) => item.aad),
    values: items.map((item) => item.value),
    nonces: op === 'seal' ? nodeCrypto.randomFillSync(new Uint8Array(items.length * 12)) : null,
  };
}

function outcomes(result: BatchResult): CryptoOutcome[] {
  return result.out.map((value, i) =>
    value === null ? { ok: false, error: result.errors[i] ?? 'failed' } : { ok: true, value },
  );
}

/** `threads` workers; by default one per core beside the calling thread's, at least one, at most four. */
export function createCryptoPool(threads = Math.max(1, Math.min(4, availableParallelism() - 1))): CryptoPool {
  const workers: Worker[] = [];
  const waiting = new Map<number, { resolve: (r: BatchResult) => void; reject: (e: Error) => void }>();
  let next = 0;
  let turn = 0;
  let broken = false;
  const stats = { worker: 0, here: 0, takenBack: 0 };
  const here = (batch: BatchMessage): BatchResult => {
    stats.here += 1;
    return runHere(batch, nodeCrypto);
  };

  function worker(): Worker | null {
    if (broken) return null;
    if (workers.length < threads) {
      try {
        const started = new Worker(WORKER_SOURCE, { eval: true });
        started.unref();
        started.on('message', ({ id, result }: { id: number; result: BatchResult }) => {
          waiting.get(id)?.resolve(result);
          waiting.delete(id);
        });
        // A worker that fails or ends: whatever it was doing is redone on the calling thread, and
        // so are later batches.
        const lost = (error: Error) => {
          broken = true;
          for (const [id, job] of waiting) {
            job.reject(error);
            waiting.delete(id);
          }
        };
        started.on('error', lost);
        started.on('exit', (code) => lost(new Error(`a crypto worker ended (exit code ${code})`)));
        workers.push(started);
        return started;
      } catch {
        broken = true;
        return null;
      }
    }
    turn = (turn + 1) % workers.length;
    return workers[turn] ?? null;
  }

  function onWorker(batch: BatchMessage): Promise<BatchResult> {
    const target = worker();
    if (!target) return Promise.resolve(here(batch));
    const id = (next += 1);
    stats.worker += 1;
    return new Promise<BatchResult>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      target.ref();
      target.postMessage({ id, batch });
    })
      .catch(() => {
        stats.takenBack += 1;
        return here(batch);
      })
      .finally(() => {
        if (waiting.size === 0) for (const w of workers) w.unref();
      });
  }

  async function run(
    op: 'open' | 'seal',
    { items, wrapping, here: share = false }: CryptoBatch,
  ): Promise<CryptoOutcome[]> {
    if (items.length < SMALL_BATCH) return outcomes(here(message(op, items, wrapping)));
    const parts = threads + (share ? 1 : 0);
    const size = Math.ceil(items.length / parts);
    const slices = Array.from({ length: parts }, (_, i) => items.slice(i * size, (i + 1) * size));
    const mine = share ? (slices.shift() ?? []) : [];
    const sent = slices.filter((s) => s.length > 0).map((s) => onWorker(message(op, s, wrapping)));
    const local = mine.length > 0 ? [here(message(op, mine, wrapping))] : [];
    return [...local, ...(await Promise.all(sent))].flatMap(outcomes);
  }

  return {
    open: (batch) => run('open', batch),
    seal: (batch) => run('seal', batch),
    stats,
    async close() {
      broken = true;
      await Promise.all(workers.map((w) => w.terminate()));
      workers.length = 0;
    },
  };
}

let shared: CryptoPool | null = null;

/** The process's pool, made on first use. */
export function cryptoPool(): CryptoPool {
  shared ??= createCryptoPool();
  return shared;
}
