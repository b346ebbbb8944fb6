import type { HandlersOf } from '../router';
import type { UsersService } from './users.service';

export function usersHandlers({ users }: { users: UsersService }): HandlersOf<'users' | 'roles'> {
  return {
    'users.list': async (_input, ctx) => users.list(ctx.session),
    'users.create': async (input, ctx) => users.create(ctx.session, input),
    'users.update': async (input, ctx) => users.update(ctx.session, input),
    'users.deactivate': async (input, ctx) => users.setActive(ctx.session, input.id, false),
    'users.reactivate': async (input, ctx) => users.setActive(ctx.session, input.id, true),
    'users.resetPassword': async (input, ctx) => users.resetPassword(ctx.session, input),
    'users.resetTwoFactor': async (input, ctx) => users.resetTwoFactor(ctx.session, input.id),
    'users.unlock': async (input, ctx) => users.unlock(ctx.session, input.id),
    'users.setInstallationAdmin': async (input, ctx) =>
      users.setInstallationAdmin(ctx.session, input.id, input.installationAdmin),
    'roles.list': async (_input, ctx) => users.roles(ctx.session),
    'roles.create': async (input, ctx) => users.createRole(ctx.session, input),
    'roles.update': async (input, ctx) => users.updateRole(ctx.session, input),
    'roles.delete': async (input, ctx) => users.deleteRole(ctx.session, input.id),
  };
}
