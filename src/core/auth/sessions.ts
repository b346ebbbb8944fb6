// Live sessions, one per connection. A session is locked after idle minutes (the user re-enters
// the password; unsaved input in the window stays) and ends after absolute hours. It is checked
// against the database again every half minute, so a deactivation, a role change or a password
// change on another device takes effect there too.
//
// A desk keeps its sessions in its process. The Kontor server gives a store (session-store.ts):
// every session is also a row in Postgres, so any instance answers its next call, and every
// change (sign-out, unlock, a user closed or refreshed) is announced with NOTIFY. Each instance
// serves calls from what it cached — a lookup in a map — and drops a session or a user's sessions
// when it hears of a change, reading the row again on the next call. While the channel is broken,
// nothing cached is trusted: every call reads the row.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../deps';
import type { Session } from '../session';
import type { SessionStore, StoredSession } from './session-store';
import type { Snapshot } from './snapshots';

export const REVALIDATE_MS = 30_000;
/** How often a session's activity reaches the store: other instances read it before they lock a session as idle. */
export const ACTIVITY_WRITE_MS = 10_000;
const PRUNE_MS = 10 * 60_000;

export interface SessionTimeouts {
  readonly idleMinutes: number;
  readonly absoluteHours: number;
}

interface Live {
  session: Session;
  createdAt: number;
  lastActivity: number;
  lastValidated: number;
  /** The activity the store has (a store only). */
  storedActivity: number;
}

export interface SessionManager {
  open(connection: string, snapshot: Snapshot): Promise<Session>;
  /** The live session of a connection, or null when there is none or it has expired. */
  get(connection: string, touch: boolean): Promise<Session | null>;
  /** Replaces what a session knows of its user (role, tenant, flags), keeping its state. */
  update(connection: string, snapshot: Snapshot): Promise<Session | null>;
  unlock(connection: string): Promise<void>;
  close(connection: string): Promise<void>;
  /** Ends every session of a user except (optionally) one connection. */
  closeUser(userId: string, except?: string): Promise<void>;
  /** Re-reads every session of a user now (after an admin changed the user or a role). */
  refreshUser(userId: string): Promise<void>;
  /** The sessions this process holds now (on a server: those it has cached). */
  connections(): number;
  /** Starts hearing the changes of other instances (with a store). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface SessionManagerDeps {
  readonly clock: Clock;
  readonly timeouts: () => SessionTimeouts;
  /** Reads the user's current state; null when the user is gone, deactivated, or the password changed. */
  readonly revalidate: (session: Session) => Promise<Snapshot | null>;
  /** Sessions shared by several instances (the Kontor server); none on a desk. */
  readonly store?: SessionStore;
}

function snapshotOf({ id: _id, locked: _locked, ...snapshot }: Session): Snapshot {
  return snapshot;
}

export function createSessionManager({ clock, timeouts, revalidate, store }: SessionManagerDeps): SessionManager {
  const live = new Map<string, Live>();
  // With a store: whether the changes of other instances reach this one now.
  let trusted = store === undefined;
  let unsubscribe: (() => Promise<void>) | null = null;
  let lastPrune = 0;
  const now = () => clock.now().getTime();

  const stored = (entry: Live): StoredSession => ({
    id: entry.session.id,
    snapshot: snapshotOf(entry.session),
    createdAt: entry.createdAt,
    lastActivity: entry.lastActivity,
    locked: entry.session.locked,
    validatedAt: entry.lastValidated,
  });

  /** The cached entry, or (with a store) the row, cached again. */
  async function find(connection: string): Promise<Live | null> {
    const cached = live.get(connection);
    if (cached && trusted) return cached;
    if (!store) return null;
    const row = await store.load(connection);
    if (!row) {
      live.delete(connection);
      return null;
    }
    const entry: Live = {
      session: { ...row.snapshot, id: row.id, locked: row.locked },
      createdAt: row.createdAt,
      lastActivity: Math.max(row.lastActivity, cached?.lastActivity ?? 0),
      lastValidated: row.validatedAt,
      storedActivity: row.lastActivity,
    };
    live.set(connection, entry);
    return entry;
  }

  async function end(connection: string): Promise<void> {
    live.delete(connection);
    if (!store) return;
    await store.remove(connection);
    await store.announce({ connection });
  }

  async function check(connection: string, entry: Live, at: number): Promise<Live | null> {
    if (at - entry.lastValidated < REVALIDATE_MS) return entry;
    const fresh = await revalidate(entry.session);
    if (fresh === null) {
      await end(connection);
      return null;
    }
    entry.session = { ...fresh, id: entry.session.id, locked: entry.session.locked };
    entry.lastValidated = at;
    await store?.save(connection, stored(entry));
    return entry;
  }

  /**
   * Sessions nobody comes back for: past the absolute limit they are over everywhere. With a
   * store, the cache also lets go of sessions idle longer than the idle limit (the row stays; a
   * call reads it again), so a long-running server does not keep every session it ever served.
   */
  async function prune(at: number): Promise<void> {
    const { idleMinutes, absoluteHours } = timeouts();
    for (const [connection, entry] of live) {
      const over = at - entry.createdAt > absoluteHours * 3_600_000;
      if (over || (store && at - entry.lastActivity > idleMinutes * 60_000)) live.delete(connection);
    }
    await store?.prune(at - absoluteHours * 3_600_000);
  }

  /** Idle too long: locked, unless another instance saw activity this one did not. */
  async function lockIfIdle(connection: string, entry: Live, at: number, idleMs: number): Promise<boolean> {
    if (entry.session.locked || at - entry.lastActivity <= idleMs) return true;
    if (store) {
      const row = await store.load(connection);
      if (!row) {
        live.delete(connection);
        return false;
      }
      entry.lastActivity = Math.max(entry.lastActivity, row.lastActivity);
      entry.storedActivity = row.lastActivity;
      if (row.locked || at - entry.lastActivity > idleMs) entry.session = { ...entry.session, locked: true };
      if (entry.session.locked && !row.locked) {
        await store.touch(connection, entry.lastActivity, true);
        await store.announce({ connection });
      }
      return true;
    }
    entry.session = { ...entry.session, locked: true };
    return true;
  }

  return {
    async open(connection, snapshot) {
      const at = now();
      const session: Session = { ...snapshot, id: randomBytes(16).toString('hex'), locked: false };
      const entry: Live = { session, createdAt: at, lastActivity: at, lastValidated: at, storedActivity: at };
      live.set(connection, entry);
      if (store) {
        await store.save(connection, stored(entry));
        // A connection may have held another session (a second sign-in): instances forget it.
        await store.announce({ connection });
      }
      if (at - lastPrune > PRUNE_MS) {
        lastPrune = at;
        await prune(at);
      }
      return session;
    },

    async get(connection, touch) {
      const entry = await find(connection);
      if (!entry) return null;
      const at = now();
      const { idleMinutes, absoluteHours } = timeouts();
      if (at - entry.createdAt > absoluteHours * 3_600_000) {
        await end(connection);
        return null;
      }
      if (!(await lockIfIdle(connection, entry, at, idleMinutes * 60_000))) return null;
      const checked = await check(connection, entry, at);
      if (!checked) return null;
      if (touch && !checked.session.locked) {
        checked.lastActivity = at;
        if (store && at - checked.storedActivity >= ACTIVITY_WRITE_MS) {
          checked.storedActivity = at;
          await store.touch(connection, at, false);
        }
      }
      return checked.session;
    },

    async update(connection, snapshot) {
      const entry = await find(connection);
      if (!entry) return null;
      entry.session = { ...snapshot, id: entry.session.id, locked: entry.session.locked };
      entry.lastValidated = now();
      if (store) {
        await store.save(connection, stored(entry));
        await store.announce({ connection });
      }
      return entry.session;
    },

    async unlock(connection) {
      const entry = await find(connection);
      if (!entry) return;
      const at = now();
      entry.session = { ...entry.session, locked: false };
      entry.lastActivity = at;
      entry.storedActivity = at;
      if (store) {
        await store.touch(connection, at, false);
        await store.announce({ connection });
      }
    },

    close: end,

    async closeUser(userId, except) {
      for (const [connection, entry] of live) {
        if (entry.session.userId === userId && connection !== except) live.delete(connection);
      }
      if (!store) return;
      await store.removeUser(userId, except);
      await store.announce({ userId });
    },

    async refreshUser(userId) {
      if (!store) {
        for (const [connection, entry] of live) {
          if (entry.session.userId !== userId) continue;
          entry.lastValidated = 0;
          await check(connection, entry, now());
        }
        return;
      }
      // Every session of the user, wherever it was opened: each row gets the user's state now.
      for (const { connection, session } of await store.ofUser(userId)) {
        live.delete(connection);
        const fresh = await revalidate({ ...session.snapshot, id: session.id, locked: session.locked });
        if (fresh === null) await store.remove(connection);
        else await store.save(connection, { ...session, snapshot: fresh, validatedAt: now() });
      }
      await store.announce({ userId });
    },

    connections: () => live.size,

    async start() {
      if (!store || unsubscribe) return;
      unsubscribe = await store.subscribe({
        change(change) {
          if ('connection' in change) live.delete(change.connection);
          else
            for (const [connection, entry] of live) if (entry.session.userId === change.userId) live.delete(connection);
        },
        lost: () => (trusted = false),
        restored() {
          // Whatever changed while the channel was broken went unheard.
          live.clear();
          trusted = true;
        },
      });
      trusted = true;
    },

    async stop() {
      await unsubscribe?.();
      unsubscribe = null;
      trusted = store === undefined;
    },
  };
}
