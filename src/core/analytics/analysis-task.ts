// The work of an analysis as one function of plain data: the ledger's columns in, the fits and
// every customer's scores out, in columns again (typed arrays cross to the main thread without a
// copy). The analysis worker runs it (analysis.worker.ts); where no worker can start, the calling
// thread does (analysis-runner.ts).
import { AppError } from '../../shared/errors';
import { analyze, fitSpend } from './analysis';
import type { BgNbdFit } from './bgnbd';
import type { TimeUnit } from './clv';
import type { Cohort } from './cohorts';
import type { GammaGammaFit } from './gamma-gamma';
import { fitBgNbd } from './bgnbd';
import { holdoutCheck, type HoldoutResult } from './holdout';
import { SEGMENTS, type SegmentRule } from './rfm';
import { dateOfDay, dayNumber, summarizeLedger, type Ledger } from './summary';

export type AnalysisTask =
  | {
      /** Model quality: BG/NBD fitted on all but the later part of the data, checked on that part. */
      readonly kind: 'holdout';
      readonly ledger: Ledger;
      readonly asOf: string;
      readonly unit: TimeUnit;
    }
  | {
      readonly kind: 'fit';
      readonly ledger: Ledger;
      readonly calibrationEnd: string;
      readonly unit: TimeUnit;
    }
  | {
      readonly kind: 'refresh';
      readonly ledger: Ledger;
      readonly asOf: string;
      readonly unit: TimeUnit;
      readonly horizonMonths: number;
      readonly monthlyDiscount: number;
      readonly margin: number;
      readonly segmentRules?: readonly SegmentRule[] | undefined;
    };

export interface FitOutcome {
  readonly kind: 'fit';
  readonly bgnbd: BgNbdFit;
  readonly gammaGamma: GammaGammaFit | null;
  readonly transactions: number;
  /** ms: the summaries alone, and both fits. */
  readonly timings: { readonly summaries: number; readonly models: number };
}

/** Every scored customer's values, one array per value; null values are NaN. */
export interface ScoreColumns {
  /** Index into the ledger's customers. */
  readonly customer: Int32Array;
  readonly x: Int32Array;
  readonly daysSinceLast: Int32Array;
  readonly revenue: Float64Array;
  readonly pAlive: Float64Array;
  readonly expectedPurchases: Float64Array;
  readonly expectedSpend: Float64Array;
  readonly clv: Float64Array;
  readonly recency: Uint8Array;
  readonly frequency: Uint8Array;
  readonly monetary: Uint8Array;
  /** Index into SEGMENTS. */
  readonly segment: Uint8Array;
}

export interface HoldoutOutcome extends Omit<HoldoutResult, 'fit' | 'length'> {
  readonly calibrationEnd: string;
  readonly holdoutEnd: string;
}

export interface RefreshOutcome {
  readonly kind: 'refresh';
  readonly bgnbd: BgNbdFit;
  readonly gammaGamma: GammaGammaFit | null;
  readonly spendExcluded: number;
  readonly cohorts: readonly Cohort[];
  /** Revenue per calendar month (`YYYY-MM`), the months without purchases too. */
  readonly revenueByMonth: readonly { readonly month: string; readonly revenue: number }[];
  readonly scores: ScoreColumns;
}

/** Revenue per month up to `end` (a day number), every month from the first to the last. */
function revenueByMonth(ledger: Ledger, end: number) {
  const monthOf = new Map<number, number>();
  const sums = new Map<number, number>();
  for (let i = 0; i < ledger.day.length; i++) {
    const day = ledger.day[i] as number;
    if (day > end) continue;
    let month = monthOf.get(day);
    if (month === undefined) {
      const date = dateOfDay(day);
      monthOf.set(day, (month = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1));
    }
    sums.set(month, (sums.get(month) ?? 0) + (ledger.amount[i] as number));
  }
  if (sums.size === 0) return [];
  const first = Math.min(...sums.keys());
  const last = Math.max(...sums.keys());
  return Array.from({ length: last - first + 1 }, (_, k) => {
    const m = first + k;
    const month = `${String(Math.floor(m / 12)).padStart(4, '0')}-${String((m % 12) + 1).padStart(2, '0')}`;
    return { month, revenue: Math.round((sums.get(m) ?? 0) * 100) / 100 };
  });
}

export type AnalysisOutcome =
  FitOutcome | RefreshOutcome | { readonly kind: 'holdout'; readonly holdout: HoldoutOutcome | null };

/** The typed arrays of an outcome, to hand over instead of copying. */
export function transferables(outcome: AnalysisOutcome): ArrayBuffer[] {
  if (outcome.kind !== 'refresh') return [];
  return Object.values(outcome.scores).map((column: ArrayBufferView) => column.buffer as ArrayBuffer);
}

/** The longest holdout period (days) model quality holds back, and the shortest worth a check. */
const MAX_HOLDOUT_DAYS = 364;
const MIN_HOLDOUT_DAYS = 28;

/** Model quality: the later part of the data held back (half of it, at most a year), or null when too short. */
function holdout(task: Extract<AnalysisTask, { kind: 'holdout' }>): HoldoutOutcome | null {
  let first = Number.POSITIVE_INFINITY;
  for (const day of task.ledger.day) first = Math.min(first, day);
  const end = dayNumber(task.asOf);
  const days = Math.min(MAX_HOLDOUT_DAYS, Math.floor((end - first) / 2));
  if (!(days >= MIN_HOLDOUT_DAYS)) return null;
  const calibrationEnd = dateOfDay(end - days);
  try {
    const {
      fit: _fit,
      length: _length,
      ...rest
    } = holdoutCheck(task.ledger, {
      calibrationEnd,
      holdoutEnd: task.asOf,
      unit: task.unit,
    });
    return { calibrationEnd, holdoutEnd: task.asOf, ...rest };
  } catch (error) {
    // Too little in the calibration part to fit: no quality check, the rest stands.
    if (error instanceof AppError && String(error.details?.['reason']).startsWith('analytics_')) return null;
    throw error;
  }
}

export function runAnalysisTask(task: AnalysisTask, onStage: (stage: string) => void = () => {}): AnalysisOutcome {
  if (task.kind === 'holdout') return { kind: 'holdout', holdout: holdout(task) };
  if (task.kind === 'fit') {
    const started = performance.now();
    const summaries = summarizeLedger(task.ledger, { calibrationEnd: task.calibrationEnd, unit: task.unit });
    const summarized = performance.now();
    onStage('bgnbd');
    const bgnbd = fitBgNbd(summaries);
    onStage('gammaGamma');
    const { gammaGamma } = fitSpend(summaries);
    return {
      kind: 'fit',
      bgnbd,
      gammaGamma,
      transactions: task.ledger.day.length,
      timings: { summaries: summarized - started, models: performance.now() - summarized },
    };
  }
  const analysis = analyze(task.ledger, {
    asOf: task.asOf,
    unit: task.unit,
    horizonMonths: task.horizonMonths,
    monthlyDiscount: task.monthlyDiscount,
    margin: task.margin,
    ...(task.segmentRules && { segmentRules: task.segmentRules }),
    onStage,
  });
  const n = analysis.customers.length;
  const scores: ScoreColumns = {
    customer: new Int32Array(n),
    x: new Int32Array(n),
    daysSinceLast: new Int32Array(n),
    revenue: new Float64Array(n),
    pAlive: new Float64Array(n),
    expectedPurchases: new Float64Array(n),
    expectedSpend: new Float64Array(n),
    clv: new Float64Array(n),
    recency: new Uint8Array(n),
    frequency: new Uint8Array(n),
    monetary: new Uint8Array(n),
    segment: new Uint8Array(n),
  };
  analysis.customers.forEach((c, i) => {
    scores.customer[i] = c.at;
    scores.x[i] = c.x;
    scores.daysSinceLast[i] = c.daysSinceLast;
    scores.revenue[i] = c.revenue;
    scores.pAlive[i] = c.pAlive;
    scores.expectedPurchases[i] = c.expectedPurchases;
    scores.expectedSpend[i] = c.expectedSpend ?? Number.NaN;
    scores.clv[i] = c.clv ?? Number.NaN;
    scores.recency[i] = c.rfm.recency;
    scores.frequency[i] = c.rfm.frequency;
    scores.monetary[i] = c.rfm.monetary;
    scores.segment[i] = SEGMENTS.indexOf(c.rfm.segment);
  });
  return {
    kind: 'refresh',
    bgnbd: analysis.bgnbd,
    gammaGamma: analysis.gammaGamma,
    spendExcluded: analysis.spendExcluded,
    cohorts: analysis.cohorts,
    revenueByMonth: revenueByMonth(task.ledger, dayNumber(task.asOf)),
    scores,
  };
}
