// The metadata every command's events carry: who, on which device, when (wall clock and hybrid
// logical clock), and the correlation that ties the events of one command together.
import { z } from 'zod';
import type { Clock, IdSource } from '../deps';
import type { Session } from '../session';
import type { SettingsStore } from '../settings/settings.store';
import type { EventMeta } from './event-store';
import { installationDevice } from './event-store';
import { createHlc } from './hlc';

/** Installation setting: how far this device's hybrid logical clock may go before it stores a new limit. */
const HLC_RESERVATION = 'hlc.reservation';

/** The metadata of a user's command; without a session, of Kontor's own (an upgrade of the data). */
export type CommandMeta = (session: Pick<Session, 'userId'> | null) => Promise<EventMeta>;

export async function createCommandMeta({
  settings,
  clock,
  ids,
}: {
  settings: SettingsStore;
  clock: Clock;
  ids: IdSource;
}): Promise<CommandMeta> {
  const deviceId = await installationDevice(settings, ids);
  // The clock's reservation survives a restart, so this device never issues a timestamp twice or
  // out of order, even when the wall clock is set back.
  const reserved = await settings.get(HLC_RESERVATION, z.object({ ms: z.number().int() }));
  const hlc = createHlc(clock, deviceId, {
    ...(reserved && { reservedUntil: reserved.ms }),
    reserve: (ms) => settings.set(HLC_RESERVATION, { ms }),
  });
  return async (session) => ({
    userId: session?.userId ?? null,
    deviceId,
    hlc: await hlc.now(),
    correlationId: ids.next(),
    causationId: null,
    at: clock.now().toISOString(),
  });
}
