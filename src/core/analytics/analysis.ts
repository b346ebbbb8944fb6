// One analysis of a company's purchases: the customers' summaries up to a day, both models fitted,
// RFM segments and cohorts (fitModel, which needs every customer at once; describeCustomers is all
// of it but the purchase model, which a refresh fits beside it on another thread), and per customer
// the chance she is still active, the purchases and spend to expect and her lifetime value
// (outlook, customer by customer: the refresh spreads it over two worker threads).
import { AppError } from '../../shared/errors';
import {
  expectedPurchasesOver,
  fitBgNbd,
  probabilityAlive,
  type BgNbdFit,
  type BgNbdParams,
  type RepeatSummary,
} from './bgnbd';
import { discountedValue, monthEnds, type TimeUnit } from './clv';
import { cohortRetention, type Cohort } from './cohorts';
import { expectedSpend, fitGammaGamma, type GammaGammaFit, type GammaGammaParams } from './gamma-gamma';
import { DEFAULT_SEGMENT_RULES, rfmScores, type RfmScore, type SegmentRule } from './rfm';
import { dayNumber, summarizeLedger, type CustomerSummary, type Ledger, type LedgerSummary } from './summary';

export interface AnalysisOptions {
  /** The last day of the data, `YYYY-MM-DD`: ages and recency count up to it. */
  readonly asOf: string;
  readonly unit: TimeUnit;
  readonly horizonMonths?: number;
  readonly monthlyDiscount?: number;
  readonly margin?: number;
  readonly segmentRules?: readonly SegmentRule[];
  readonly signal?: AbortSignal;
  /** Told as each step starts: summaries, bgnbd, gammaGamma, scores, cohorts. */
  readonly onStage?: (stage: string) => void;
}

export interface CustomerScore {
  readonly customer: string;
  /** The customer's index in the ledger's `customers`. */
  readonly at: number;
  readonly x: number;
  readonly tx: number;
  readonly T: number;
  /** Days from the last purchase to the end of the data. */
  readonly daysSinceLast: number;
  /** All purchases' amounts up to the end of the data. */
  readonly revenue: number;
  readonly pAlive: number;
  /** 1 − P(alive). */
  readonly churnRisk: number;
  /** Purchases to expect over the horizon. */
  readonly expectedPurchases: number;
  /** Amount to expect per purchase; null where spend cannot be modelled (see Analysis.gammaGamma). */
  readonly expectedSpend: number | null;
  readonly clv: number | null;
  readonly rfm: RfmScore;
}

export interface Analysis {
  readonly bgnbd: BgNbdFit;
  /** Null when spend cannot be modelled (fewer than two repeat customers with positive spend). */
  readonly gammaGamma: GammaGammaFit | null;
  /** Repeat customers left out of the spend model because their repeat purchases sum to zero or less (refunds). */
  readonly spendExcluded: number;
  readonly customers: readonly CustomerScore[];
  readonly cohorts: readonly Cohort[];
}

/**
 * Gamma-Gamma on the repeat customers whose repeat purchases sum to more than zero; null when
 * spend cannot be modelled (too few of them, or data that cannot pin the parameters down).
 */
export function fitSpend(
  summaries: readonly CustomerSummary[],
  signal?: AbortSignal,
): { gammaGamma: GammaGammaFit | null; spendExcluded: number } {
  const repeat = summaries.flatMap(({ x, meanSpend }) => (meanSpend === null ? [] : [{ x, meanSpend }]));
  const positive = repeat.filter((row) => row.meanSpend > 0);
  try {
    return { gammaGamma: fitGammaGamma(positive, signal), spendExcluded: repeat.length - positive.length };
  } catch (error) {
    const reason = error instanceof AppError ? error.details?.['reason'] : undefined;
    if (reason !== 'analytics_no_repeat' && reason !== 'analytics_not_identified') throw error;
    return { gammaGamma: null, spendExcluded: repeat.length - positive.length };
  }
}

/** What the model step of an analysis finds: everything but the customers' own scores. */
export interface Model extends Description {
  readonly bgnbd: BgNbdFit;
}

/** What needs every customer but the purchase model: the spend model, RFM segments, cohorts. */
export interface Description {
  readonly summaries: readonly LedgerSummary[];
  readonly gammaGamma: GammaGammaFit | null;
  readonly spendExcluded: number;
  readonly rfm: readonly RfmScore[];
  readonly cohorts: readonly Cohort[];
}

/**
 * The spend model, RFM segments and cohorts from the customers' summaries: independent of the
 * purchase model, so a refresh fits that one on another thread meanwhile.
 */
export function describeCustomers(
  ledger: Ledger,
  summaries: readonly LedgerSummary[],
  options: AnalysisOptions,
): Description {
  options.onStage?.('gammaGamma');
  const { gammaGamma, spendExcluded } = fitSpend(summaries, options.signal);
  const rfm = rfmScores(
    summaries.map(({ customer, daysSinceLast, x, revenue }) => ({
      customer,
      daysSinceLast,
      purchases: x + 1,
      revenue,
    })),
    options.segmentRules ?? DEFAULT_SEGMENT_RULES,
  );
  options.onStage?.('cohorts');
  return { summaries, gammaGamma, spendExcluded, rfm, cohorts: cohortRetention(ledger, dayNumber(options.asOf)) };
}

/** The customers' summaries up to the analysis's day. */
export function summariesOf(ledger: Ledger, { asOf, unit, onStage }: AnalysisOptions): LedgerSummary[] {
  onStage?.('summaries');
  return summarizeLedger(ledger, { calibrationEnd: asOf, unit });
}

/** Summaries, both fits, RFM segments and cohorts: the part of an analysis that needs every customer at once. */
export function fitModel(ledger: Ledger, options: AnalysisOptions): Model {
  const summaries = summariesOf(ledger, options);
  options.onStage?.('bgnbd');
  const bgnbd = fitBgNbd(summaries, options.signal);
  return { ...describeCustomers(ledger, summaries, options), bgnbd };
}

export interface Outlook {
  readonly pAlive: number;
  readonly expectedPurchases: number;
  readonly expectedSpend: number | null;
  readonly clv: number | null;
}

/**
 * One customer's outlook from the fitted models: P(alive), purchases to expect over the horizon,
 * spend per purchase and CLV (null where spend cannot be modelled). Customers are independent of
 * each other here, so a large analysis can score them in parts, on several threads.
 */
export function outlook(
  bgnbd: BgNbdParams,
  gammaGamma: GammaGammaParams | null,
  s: RepeatSummary & { readonly meanSpend: number | null },
  options: Pick<AnalysisOptions, 'unit' | 'horizonMonths' | 'monthlyDiscount' | 'margin'>,
): Outlook {
  const { unit, horizonMonths = 12, monthlyDiscount = 0.01, margin = 1 } = options;
  const spendable = s.meanSpend === null || s.meanSpend > 0;
  const spend = gammaGamma && spendable ? expectedSpend(gammaGamma, { x: s.x, meanSpend: s.meanSpend ?? 0 }) : null;
  // Purchases expected by the end of each month: the last is the horizon's, all of them the CLV's.
  const upTo = expectedPurchasesOver(bgnbd, s, monthEnds(unit, horizonMonths));
  return {
    pAlive: probabilityAlive(bgnbd, s),
    expectedPurchases: upTo.at(-1) ?? 0,
    expectedSpend: spend,
    clv: spend === null ? null : discountedValue(upTo, spend, { monthlyDiscount, margin }),
  };
}

export function analyze(ledger: Ledger, options: AnalysisOptions): Analysis {
  const model = fitModel(ledger, options);
  const { summaries, bgnbd, gammaGamma, rfm } = model;
  const customers = summaries.map((s, i): CustomerScore => {
    if (i % 10_000 === 0) options.signal?.throwIfAborted();
    const o = outlook(bgnbd.params, gammaGamma?.params ?? null, s, options);
    return {
      customer: s.customer,
      at: s.at,
      x: s.x,
      tx: s.tx,
      T: s.T,
      daysSinceLast: s.daysSinceLast,
      revenue: s.revenue,
      ...o,
      churnRisk: 1 - o.pAlive,
      rfm: rfm[i] as RfmScore,
    };
  });
  return { bgnbd, gammaGamma, spendExcluded: model.spendExcluded, customers, cohorts: model.cohorts };
}
