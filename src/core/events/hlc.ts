// A hybrid logical clock: timestamps that follow wall time but never go backwards on one device,
// also across restarts, and order events from several devices consistently (used by sync to merge
// edits per field).
import type { Clock } from '../deps';

export interface Hlc {
  /**
   * A new timestamp, later than every one this device issued (before a restart too) or received.
   * Asynchronous because now and then it first stores how far this run may go (see createHlc).
   */
  now(): Promise<string>;
  /** Takes in a timestamp from another device, so later local ones order after it. */
  receive(remote: string): void;
}

/** The counter has five digits in the text form; past it, logical time moves on by a millisecond. */
export const HLC_MAX_COUNTER = 99_999;

/** `<ms, 15 digits>:<counter, 5 digits>:<device>`: sorts as text in time order. */
export function formatHlc(ms: number, counter: number, device: string): string {
  if (counter > HLC_MAX_COUNTER || counter < 0) throw new Error(`HLC counter out of range: ${counter}`);
  return `${String(ms).padStart(15, '0')}:${String(counter).padStart(5, '0')}:${device}`;
}

export function parseHlc(text: string): { ms: number; counter: number; device: string } {
  const [ms = '', counter = '', ...device] = text.split(':');
  if (!/^\d{15}$/.test(ms) || !/^\d{5}$/.test(counter) || device.length === 0)
    throw new Error(`not an HLC timestamp: ${text}`);
  return { ms: Number(ms), counter: Number(counter), device: device.join(':') };
}

export interface HlcOptions {
  /** How far the previous run was allowed to go (stored by `reserve`): this run starts after it. */
  readonly reservedUntil?: number;
  /** Stores a new limit durably before any timestamp reaches it (a restart then starts after it). */
  readonly reserve?: (untilMs: number) => Promise<void>;
  /** How far ahead one reservation reaches; a restart may start that far ahead of the wall clock. */
  readonly windowMs?: number;
  /** A remote timestamp further ahead of this clock than this is refused (a desk with a wrong clock). */
  readonly maxDriftMs?: number;
}

export function createHlc(clock: Clock, device: string, options: HlcOptions = {}): Hlc {
  const windowMs = options.windowMs ?? 10_000;
  const maxDriftMs = options.maxDriftMs ?? 24 * 3_600_000;
  let lastMs = options.reservedUntil ?? 0;
  let counter = 0;
  let reservedUntil = options.reservedUntil ?? 0;
  let reserving: Promise<void> = Promise.resolve();

  /** One tick past (ms, counter): the counter, or the next millisecond once the counter is full. */
  function set(ms: number, next: number): void {
    if (next > HLC_MAX_COUNTER) {
      lastMs = ms + 1;
      counter = 0;
    } else {
      lastMs = ms;
      counter = next;
    }
  }

  return {
    async now() {
      const wall = clock.now().getTime();
      if (wall > lastMs) set(wall, 0);
      else set(lastMs, counter + 1);
      const ms = lastMs;
      const stamp = formatHlc(ms, counter, device);
      if (ms >= reservedUntil && options.reserve) {
        reservedUntil = ms + windowMs;
        const store = options.reserve;
        const until = reservedUntil;
        reserving = reserving.then(() => store(until));
      }
      // Every caller waits for the reservation that covers its timestamp to be stored.
      await reserving;
      return stamp;
    },
    receive(remote) {
      const r = parseHlc(remote);
      const wall = clock.now().getTime();
      if (r.ms > Math.max(wall, lastMs) + maxDriftMs) {
        throw new Error(`a timestamp from ${r.device} lies too far ahead of this clock: ${remote}`);
      }
      const ms = Math.max(wall, lastMs, r.ms);
      const next =
        ms === lastMs && ms === r.ms
          ? Math.max(counter, r.counter) + 1
          : ms === lastMs
            ? counter + 1
            : ms === r.ms
              ? r.counter + 1
              : 0;
      set(ms, next);
    },
  };
}
