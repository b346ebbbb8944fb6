// Customer analytics over the sales ledger: the models' fit, a refresh that scores every customer
// and stores the result per company, and the scored customers. Amounts are in the currency's
// units (euros, not cents): they are model estimates, not money owed.
import { z } from 'zod';
import { currencySchema, isoTime } from './customers';
import { procedure } from './procedure';

export const timeUnits = ['week', 'day'] as const;
/** The RFM segments (rules an admin can adjust map scores to them; see core/analytics/rfm.ts). */
export const segments = [
  'champions',
  'loyal',
  'potentialLoyalists',
  'new',
  'atRisk',
  'cantLoseThem',
  'hibernating',
  'lost',
] as const;
export type SegmentName = (typeof segments)[number];

const day = z.iso.date('A date reads YYYY-MM-DD');

const scoreRange = z
  .tuple([z.number().int().min(1).max(5), z.number().int().min(1).max(5)])
  .refine(([lo, hi]) => lo <= hi, { message: 'a range runs from its lower score to its higher' });

/** One rule: customers whose recency and frequency scores lie in the ranges (inclusive) belong to the segment. */
export const segmentRuleSchema = z.object({
  segment: z.enum(segments),
  recency: scoreRange,
  frequency: scoreRange,
});
export type SegmentRule = z.infer<typeof segmentRuleSchema>;

/** The first rule that matches decides; together they must name a segment for every pair of scores. */
export const segmentRulesSchema = z.array(segmentRuleSchema).min(1).max(50);
const errors = <T extends z.ZodRawShape>(shape: T) => z.object(shape);
const nullableNumber = z.number().nullable();

export const bgnbdResultSchema = z.object({
  r: z.number(),
  alpha: z.number(),
  a: z.number(),
  b: z.number(),
  logLikelihood: z.number(),
  /** From the Hessian of the log-likelihood; null where the data cannot pin a parameter down. */
  standardErrors: errors({ r: nullableNumber, alpha: nullableNumber, a: nullableNumber, b: nullableNumber }),
});

export const gammaGammaResultSchema = z.object({
  p: z.number(),
  q: z.number(),
  v: z.number(),
  logLikelihood: z.number(),
  standardErrors: errors({ p: nullableNumber, q: nullableNumber, v: nullableNumber }),
  /** Correlation of repeat purchases and mean spend: the model assumes none (near 0 is good). */
  spendCorrelation: z.number(),
});

export const fitResultSchema = z.object({
  calibrationEnd: z.string(),
  unit: z.enum(timeUnits),
  currency: z.string().nullable(),
  bgnbd: bgnbdResultSchema,
  /** Null when spend cannot be modelled (fewer than two repeat customers with positive spend). */
  gammaGamma: gammaGammaResultSchema.nullable(),
  customers: z.number().int(),
  repeatCustomers: z.number().int(),
  transactions: z.number().int(),
  /** Time to read the ledger and build the summaries, and to fit both models (ms). */
  timings: z.object({ ledger: z.number(), models: z.number() }),
});
export type FitResult = z.infer<typeof fitResultSchema>;

export const cohortSchema = z.object({
  month: z.string(),
  customers: z.number().int(),
  share: z.array(z.number()),
});

export const holdoutSchema = z.object({
  calibrationEnd: z.string(),
  holdoutEnd: z.string(),
  buckets: z.array(
    z.object({ x: z.number().int(), customers: z.number().int(), predicted: z.number(), actual: z.number() }),
  ),
  predictedTotal: z.number(),
  actualTotal: z.number(),
  meanAbsoluteError: z.number(),
});

export const refreshOptionsSchema = z.strictObject({
  /** The last day the numbers count (default: today). */
  asOf: day.optional(),
  unit: z.enum(timeUnits).default('week'),
  /** The ledger's currency to analyse (default: the one most documents have). */
  currency: currencySchema.optional(),
  horizonMonths: z.number().int().min(1).max(120).default(12),
  /** Per month, e.g. 0.01 for 1 %. */
  monthlyDiscount: z.number().min(0).max(0.5).default(0.01),
  /** The share of revenue that is margin, 0–1. */
  margin: z.number().gt(0).max(1).default(1),
});
export type RefreshOptions = z.input<typeof refreshOptionsSchema>;

export const analyticsRunSchema = z.object({
  id: z.string(),
  computedAt: isoTime,
  asOf: z.string(),
  unit: z.enum(timeUnits),
  currency: z.string().nullable(),
  horizonMonths: z.number().int(),
  monthlyDiscount: z.number(),
  margin: z.number(),
  customers: z.number().int(),
  transactions: z.number().int(),
  /** Documents left out because they are in another currency. */
  otherCurrencies: z.number().int(),
  bgnbd: bgnbdResultSchema,
  gammaGamma: gammaGammaResultSchema.nullable(),
  /** Repeat customers whose repeat purchases sum to zero or less (refunds): not in the spend model. */
  spendExcluded: z.number().int(),
  segments: z.record(z.enum(segments), z.number().int()),
  cohorts: z.array(cohortSchema),
  /** Revenue per calendar month (`YYYY-MM`) up to the day of the analysis. */
  revenueByMonth: z.array(z.object({ month: z.string(), revenue: z.number() })),
  /** Customers per band of CLV (equal bands up to the 99th percentile, the rest in the last). */
  clvDistribution: z.array(z.object({ from: z.number(), to: z.number(), customers: z.number().int() })),
  /** Null when the data is too short to hold a period back. */
  holdout: holdoutSchema.nullable(),
  milliseconds: z.number(),
});
export type AnalyticsRun = z.infer<typeof analyticsRunSchema>;

export const customerScoreSchema = z.object({
  customerId: z.string(),
  number: z.string(),
  name: z.string(),
  /** Repeat purchases (days with a purchase after the first). */
  x: z.number().int(),
  daysSinceLast: z.number().int(),
  revenue: z.number(),
  pAlive: z.number(),
  churnRisk: z.number(),
  expectedPurchases: z.number(),
  /** Null where spend cannot be modelled. */
  expectedSpend: z.number().nullable(),
  clv: z.number().nullable(),
  recency: z.number().int(),
  frequency: z.number().int(),
  monetary: z.number().int(),
  segment: z.enum(segments),
});
export type CustomerScoreRow = z.infer<typeof customerScoreSchema>;

/** `valueAtRisk`: revenue so far × churn risk, the valuable customers likeliest to leave first. */
/** Which customers a dashboard shows: those of one owner, those with one tag (both, when both are given). */
export const analyticsFilterSchema = z.strictObject({
  ownerId: z.uuid('Not a valid user id').optional(),
  tag: z.string().trim().min(1).max(50).optional(),
});

export const analyticsBreakdownSchema = z.object({
  customers: z.number().int(),
  segments: z.record(z.enum(segments), z.number().int()),
  clvDistribution: z.array(z.object({ from: z.number(), to: z.number(), customers: z.number().int() })),
});
export type AnalyticsBreakdown = z.infer<typeof analyticsBreakdownSchema>;

export const analyticsSorts = ['clv', 'churn', 'valueAtRisk', 'expectedPurchases', 'revenue'] as const;

export const analyticsContract = {
  'analytics.fit': procedure({
    summary: 'Fit BG/NBD and Gamma-Gamma on the ledger up to a calibration end (nothing is stored)',
    input: z.strictObject({
      calibrationEnd: day.optional(),
      unit: z.enum(timeUnits).default('week'),
      currency: currencySchema.optional(),
    }),
    output: fitResultSchema,
    permission: 'analytics.read',
  }),
  'analytics.refresh': procedure({
    summary: 'Score every customer (P(alive), expected purchases and spend, CLV, RFM segment) and store the result',
    input: refreshOptionsSchema,
    output: analyticsRunSchema,
    permission: 'analytics.read',
  }),
  'analytics.status': procedure({
    summary: 'The last stored analysis: when, on what, with which results (null before the first)',
    input: z.strictObject({}),
    output: analyticsRunSchema.nullable(),
    permission: 'analytics.read',
  }),
  'analytics.breakdown': procedure({
    summary: 'Customers per segment and the CLV distribution of the last analysis, for one owner or tag',
    input: analyticsFilterSchema,
    output: analyticsBreakdownSchema,
    permission: 'analytics.read',
  }),
  'analytics.customer': procedure({
    summary: "One customer's scores from the last analysis (null when she was not in it, or there is none)",
    input: z.strictObject({ customerId: z.uuid('Not a valid customer id') }),
    output: z
      .object({
        run: analyticsRunSchema.pick({ computedAt: true, asOf: true, currency: true, horizonMonths: true }),
        score: customerScoreSchema,
      })
      .nullable(),
    permission: 'analytics.read',
  }),
  'analytics.segmentRules': procedure({
    summary: "The company's rules from RFM scores to segments (the defaults until an admin changes them)",
    input: z.strictObject({}),
    output: z.object({ rules: segmentRulesSchema, isDefault: z.boolean() }),
    permission: 'analytics.read',
  }),
  'analytics.setSegmentRules': procedure({
    summary: 'Change the rules from RFM scores to segments (null: back to the defaults); the next refresh uses them',
    input: z.strictObject({ rules: segmentRulesSchema.nullable() }),
    output: z.object({ rules: segmentRulesSchema, isDefault: z.boolean() }),
    permission: 'settings.manage',
  }),
  'analytics.customers': procedure({
    summary: 'The scored customers of the last analysis, the most valuable or the likeliest to leave first',
    input: analyticsFilterSchema.extend({
      sort: z.enum(analyticsSorts).default('clv'),
      segment: z.enum(segments).optional(),
      limit: z.number().int().min(1).max(1000).default(50),
    }),
    output: z.object({ run: analyticsRunSchema, items: z.array(customerScoreSchema) }),
    permission: 'analytics.read',
  }),
} as const;
