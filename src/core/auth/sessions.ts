// Live sessions, one per connection. A session is locked after idle minutes (the user re-enters
// the password; unsaved input in the window stays) and ends after absolute hours. It is checked
// against the database again every half minute, so a deactivation, a role change or a password
// change on another device takes effect there too.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../deps';
import type { Session } from '../session';

export const REVALIDATE_MS = 30_000;

export interface SessionTimeouts {
  readonly idleMinutes: number;
  readonly absoluteHours: number;
}

interface Live {
  session: Session;
  createdAt: number;
  lastActivity: number;
  lastValidated: number;
}

export interface SessionManager {
  open(connection: string, snapshot: Omit<Session, 'id' | 'locked'>): Session;
  /** The live session of a connection, or null when there is none or it has expired. */
  get(connection: string, touch: boolean): Promise<Session | null>;
  /** Replaces what a session knows of its user (role, tenant, flags), keeping its state. */
  update(connection: string, snapshot: Omit<Session, 'id' | 'locked'>): Session | null;
  unlock(connection: string): void;
  close(connection: string): void;
  /** Ends every session of a user except (optionally) one connection. */
  closeUser(userId: string, except?: string): void;
  /** Re-reads every session of a user now (after an admin changed the user or a role). */
  refreshUser(userId: string): Promise<void>;
  connections(): number;
}

export interface SessionManagerDeps {
  readonly clock: Clock;
  readonly timeouts: () => SessionTimeouts;
  /** Reads the user's current state; null when the user is gone, deactivated, or the password changed. */
  readonly revalidate: (session: Session) => Promise<Omit<Session, 'id' | 'locked'> | null>;
}

export function createSessionManager({ clock, timeouts, revalidate }: SessionManagerDeps): SessionManager {
  const live = new Map<string, Live>();

  async function check(connection: string, entry: Live, now: number): Promise<Live | null> {
    if (now - entry.lastValidated < REVALIDATE_MS) return entry;
    const fresh = await revalidate(entry.session);
    if (fresh === null) {
      live.delete(connection);
      return null;
    }
    entry.session = { ...fresh, id: entry.session.id, locked: entry.session.locked };
    entry.lastValidated = now;
    return entry;
  }

  return {
    open(connection, snapshot) {
      const now = clock.now().getTime();
      const session: Session = { ...snapshot, id: randomBytes(16).toString('hex'), locked: false };
      live.set(connection, { session, createdAt: now, lastActivity: now, lastValidated: now });
      return session;
    },

    async get(connection, touch) {
      const entry = live.get(connection);
      if (!entry) return null;
      const now = clock.now().getTime();
      const { idleMinutes, absoluteHours } = timeouts();
      if (now - entry.createdAt > absoluteHours * 3_600_000) {
        live.delete(connection);
        return null;
      }
      if (!entry.session.locked && now - entry.lastActivity > idleMinutes * 60_000) {
        entry.session = { ...entry.session, locked: true };
      }
      const checked = await check(connection, entry, now);
      if (!checked) return null;
      if (touch && !checked.session.locked) checked.lastActivity = now;
      return checked.session;
    },

    update(connection, snapshot) {
      const entry = live.get(connection);
      if (!entry) return null;
      entry.session = { ...snapshot, id: entry.session.id, locked: entry.session.locked };
      entry.lastValidated = clock.now().getTime();
      return entry.session;
    },

    unlock(connection) {
      const entry = live.get(connection);
      if (!entry) return;
      entry.session = { ...entry.session, locked: false };
      entry.lastActivity = clock.now().getTime();
    },

    close(connection) {
      live.delete(connection);
    },

    closeUser(userId, except) {
      for (const [connection, entry] of live) {
        if (entry.session.userId === userId && connection !== except) live.delete(connection);
      }
    },

    async refreshUser(userId) {
      for (const [connection, entry] of live) {
        if (entry.session.userId !== userId) continue;
        entry.lastValidated = 0;
        await check(connection, entry, clock.now().getTime());
      }
    },

    connections: () => live.size,
  };
}
