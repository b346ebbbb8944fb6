import type { Companies } from '../company/company.services';
import type { CallContext, HandlersOf } from '../router';

export function analyticsHandlers({ companies }: { companies: Companies }): HandlersOf<'analytics'> {
  const of = async (ctx: CallContext) => (await companies.of(ctx.session)).analytics;
  const progress = (ctx: CallContext) => ({
    signal: ctx.signal,
    onProgress: (done: number, total: number, stage: string) => ctx.progress({ done, total, message: stage }),
  });
  return {
    'analytics.fit': async (input, ctx) => (await of(ctx)).fit(input, progress(ctx)),
    'analytics.refresh': async (input, ctx) => (await of(ctx)).refresh(input, progress(ctx)),
    'analytics.status': async (_input, ctx) => (await of(ctx)).status(),
    'analytics.breakdown': async (input, ctx) => (await of(ctx)).breakdown(input),
    'analytics.customer': async (input, ctx) => (await of(ctx)).customer(input.customerId),
    'analytics.segmentRules': async (_input, ctx) => (await of(ctx)).segmentRules(),
    'analytics.setSegmentRules': async (input, ctx) => (await of(ctx)).setSegmentRules(input.rules),
    'analytics.customers': async (input, ctx) => (await of(ctx)).customers(input),
  };
}
