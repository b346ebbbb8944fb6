import type { Companies } from '../company/company.services';
import type { CommandMeta } from '../events/command-meta';
import type { CallContext, HandlersOf } from '../router';

const actorOf = (ctx: CallContext) => ({ userId: ctx.session.userId, email: ctx.session.email });
const progressOf = (ctx: CallContext) => ({
  signal: ctx.signal,
  onProgress: (done: number, total: number, message: string) => ctx.progress({ done, total, message }),
});

export function gdprHandlers({
  companies,
  commandMeta,
}: {
  companies: Companies;
  commandMeta: CommandMeta;
}): HandlersOf<'gdpr' | 'retention'> {
  const gdprOf = async (ctx: CallContext) => (await companies.of(ctx.session)).gdpr;
  return {
    'gdpr.export': async (input, ctx) =>
      (await gdprOf(ctx)).export(
        input.customerId,
        actorOf(ctx),
        progressOf(ctx),
        input.csv === 'semicolon' ? ';' : ',',
      ),
    'gdpr.erase': async (input, ctx) =>
      (await gdprOf(ctx)).erase(input.customerId, actorOf(ctx), await commandMeta(ctx.session)),
    'retention.get': async (_input, ctx) => (await gdprOf(ctx)).rule(),
    'retention.set': async (input, ctx) => (await gdprOf(ctx)).setRule(input, actorOf(ctx)),
    'retention.run': async (input, ctx) =>
      (await gdprOf(ctx)).runRetention(input.apply, actorOf(ctx), () => commandMeta(ctx.session), progressOf(ctx)),
  };
}
