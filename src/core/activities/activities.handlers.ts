import type { Companies } from '../company/company.services';
import type { CommandMeta } from '../events/command-meta';
import type { CallContext, HandlersOf } from '../router';

export function activitiesHandlers({
  companies,
  commandMeta,
}: {
  companies: Companies;
  commandMeta: CommandMeta;
}): HandlersOf<'activities'> {
  const of = async (ctx: CallContext) => (await companies.of(ctx.session)).activities;
  return {
    'activities.list': async (input, ctx) => (await of(ctx)).list(input.customerId),
    'activities.log': async (input, ctx) =>
      (await of(ctx)).log(input.customerId, input.fields, await commandMeta(ctx.session)),
    'activities.update': async (input, ctx) =>
      (await of(ctx)).update(input.id, input.changes, await commandMeta(ctx.session), input.expectedVersion),
    'activities.complete': async (input, ctx) =>
      (await of(ctx)).complete(input.id, input.done, await commandMeta(ctx.session), input.expectedVersion),
    'activities.remove': async (input, ctx) => {
      await (await of(ctx)).remove(input.id, await commandMeta(ctx.session), input.expectedVersion);
      return { removed: true as const };
    },
    'activities.myTasks': async (_input, ctx) => (await of(ctx)).myTasks(ctx.session.userId),
  };
}
