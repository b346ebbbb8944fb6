// Time and ids come in as dependencies, so services and tests are deterministic.
import { randomView } from './crypto/random';

export interface Clock {
  now(): Date;
}

export interface IdSource {
  /** A UUIDv7: random, but sortable by creation time. */
  next(): string;
}

export const systemClock: Clock = { now: () => new Date() };

export function uuidv7(time: number = Date.now(), random: Buffer = randomView(10)): string {
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(time, 0, 6);
  random.copy(bytes, 6, 0, 10);
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function uuidv7Source(clock: Clock = systemClock): IdSource {
  return { next: () => uuidv7(clock.now().getTime()) };
}
