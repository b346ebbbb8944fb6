import type { HandlersOf } from '../router';
import type { TenantsAdmin } from './tenants.admin';

export function tenantsHandlers({ admin }: { admin: TenantsAdmin }): HandlersOf<'tenants'> {
  return {
    'tenants.setup': async (input, ctx) => admin.setup(ctx.session, input.name),
    'tenants.list': async (_input, ctx) => admin.list(ctx.session),
    'tenants.rename': async (input, ctx) => admin.rename(ctx.session, input.id, input.name),
    'tenants.archive': async (input, ctx) => admin.setArchived(ctx.session, input.id, input.archived),
  };
}
