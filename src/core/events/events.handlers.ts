import { decodeActivities, readableActivityChanges } from '../activities/activities.events';
import { auditActor, type AuditService } from '../audit/audit.service';
import { decodeContacts, readableContactChanges } from '../contacts/contacts.events';
import type { Keyring } from '../crypto/keyring';
import type { Companies } from '../company/company.services';
import { readableEvents } from '../customers/customers.events';
import type { Clock } from '../deps';
import type { HandlersOf } from '../router';
import type { StoredEvent } from './event-store';
import { replay } from './replay';

/** Events as a reader sees them: sealed payloads opened, or the erasure marker where a key is gone. */
async function readable(list: readonly StoredEvent[], keyring: Keyring): Promise<StoredEvent[]> {
  const out = await readableEvents(list, keyring);
  const opened = async <F>(
    prefix: string,
    decode: (events: readonly StoredEvent[], keyring: Keyring) => Promise<F[]>,
    changes: (fact: F) => Record<string, unknown>,
  ) => {
    const at = out.flatMap((e, i) => (e.type.startsWith(prefix) ? [i] : []));
    const facts = await decode(
      at.map((i) => out[i] as StoredEvent),
      keyring,
    );
    at.forEach((i, n) => (out[i] = { ...(out[i] as StoredEvent), data: changes(facts[n] as F) }));
  };
  await opened('contact.', decodeContacts, readableContactChanges);
  await opened('activity.', decodeActivities, readableActivityChanges);
  return out;
}

export function eventsHandlers({
  companies,
  audit,
  clock,
}: {
  companies: Companies;
  audit: AuditService;
  clock: Clock;
}): HandlersOf<'events'> {
  return {
    'events.list': async (input, ctx) => {
      const { events, keyring } = await companies.of(ctx.session);
      return readable(await events.readAll(input.afterPosition, input.limit, undefined, input.stream), keyring);
    },
    // Long: it commits in the company's store, then the audit log records it (see docs/architecture.md).
    'events.replay': async (_input, ctx) => {
      const company = await companies.of(ctx.session);
      const { events, projections, sql, tenantId } = company;
      const started = clock.now().getTime();
      const count = await replay({
        db: sql,
        events,
        projections,
        signal: ctx.signal,
        onProgress: (done) => ctx.progress({ done, total: null, message: 'events' }),
      });
      await company.afterBulkWrite();
      await audit.append({
        ...auditActor(ctx.session),
        action: 'events.replayed',
        tenantId,
        details: { events: count },
      });
      return { events: count, milliseconds: clock.now().getTime() - started };
    },
  };
}
