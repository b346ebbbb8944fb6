// A hybrid logical clock: timestamps that follow wall time but never go backwards on one device,
// and order events from several devices consistently (used by sync to merge edits per field).
import type { Clock } from '../deps';

export interface Hlc {
  /** A new timestamp, later than every one this clock issued or received. */
  now(): string;
  /** Takes in a timestamp from another device, so later local ones order after it. */
  receive(remote: string): void;
}

/** `<ms, 15 digits>:<counter, 5 digits>:<device>`: sorts as text in time order. */
export function formatHlc(ms: number, counter: number, device: string): string {
  return `${String(ms).padStart(15, '0')}:${String(counter).padStart(5, '0')}:${device}`;
}

export function parseHlc(text: string): { ms: number; counter: number; device: string } {
  const [ms = '', counter = '', ...device] = text.split(':');
  if (!/^\d{15}$/.test(ms) || !/^\d{5}$/.test(counter) || device.length === 0)
    throw new Error(`not an HLC timestamp: ${text}`);
  return { ms: Number(ms), counter: Number(counter), device: device.join(':') };
}

export function createHlc(clock: Clock, device: string): Hlc {
  let lastMs = 0;
  let counter = 0;
  return {
    now() {
      const wall = clock.now().getTime();
      if (wall > lastMs) {
        lastMs = wall;
        counter = 0;
      } else {
        counter += 1;
      }
      return formatHlc(lastMs, counter, device);
    },
    receive(remote) {
      const r = parseHlc(remote);
      const wall = clock.now().getTime();
      const ms = Math.max(wall, lastMs, r.ms);
      counter =
        ms === lastMs && ms === r.ms
          ? Math.max(counter, r.counter) + 1
          : ms === lastMs
            ? counter + 1
            : ms === r.ms
              ? r.counter + 1
              : 0;
      lastMs = ms;
    },
  };
}
