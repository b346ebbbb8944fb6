import type { Companies } from '../company/company.services';
import type { CommandMeta } from '../events/command-meta';
import type { CallContext, HandlersOf } from '../router';

export function contactsHandlers({
  companies,
  commandMeta,
}: {
  companies: Companies;
  commandMeta: CommandMeta;
}): HandlersOf<'contacts'> {
  const of = async (ctx: CallContext) => await companies.of(ctx.session);
  const actorOf = (ctx: CallContext) => ({ userId: ctx.session.userId, email: ctx.session.email });
  return {
    'contacts.list': async (input, ctx) => (await of(ctx)).contacts.list(input.customerId),
    'contacts.add': async (input, ctx) =>
      (await of(ctx)).contacts.add(input.customerId, input.fields, await commandMeta(ctx.session)),
    'contacts.update': async (input, ctx) =>
      (await of(ctx)).contacts.update(input.id, input.changes, await commandMeta(ctx.session), input.expectedVersion),
    'contacts.remove': async (input, ctx) => {
      await (await of(ctx)).contacts.remove(input.id, await commandMeta(ctx.session), input.expectedVersion);
      return { removed: true as const };
    },
    'contacts.export': async (input, ctx) =>
      (await of(ctx)).gdpr.exportContact(input.id, actorOf(ctx), input.csv === 'semicolon' ? ';' : ','),
    'contacts.erase': async (input, ctx) =>
      (await of(ctx)).gdpr.eraseContact(input.id, actorOf(ctx), await commandMeta(ctx.session)),
  };
}
