import { auditActor, type AuditService } from '../audit/audit.service';
import type { Companies } from '../company/company.services';
import { readableEvents } from '../customers/customers.events';
import type { Clock } from '../deps';
import type { HandlersOf } from '../router';
import { replay } from './replay';

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
      return readableEvents(await events.readAll(input.afterPosition, input.limit, undefined, input.stream), keyring);
    },
    // Long: it commits in the company's store, then the audit log records it (see docs/architecture.md).
    'events.replay': async (_input, ctx) => {
      const { events, projections, sql, tenantId } = await companies.of(ctx.session);
      const started = clock.now().getTime();
      const count = await replay({
        db: sql,
        events,
        projections,
        signal: ctx.signal,
        onProgress: (done) => ctx.progress({ done, total: null, message: 'events' }),
      });
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
