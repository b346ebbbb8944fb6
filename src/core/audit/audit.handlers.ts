import { INSTALLATION_ADMIN } from '../../shared/contract';
import { tenantOf } from '../session';
import type { HandlersOf } from '../router';
import type { AuditService } from './audit.service';

export function auditHandlers({ audit }: { audit: AuditService }): HandlersOf<'audit'> {
  return {
    // An installation administrator reads the whole log; a company's auditors read only its entries.
    'audit.list': async (input, ctx) =>
      audit.list(input, ctx.session.permissions.has(INSTALLATION_ADMIN) ? null : { only: tenantOf(ctx.session) }),
    'audit.verify': async () => audit.verify(),
  };
}
