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
import { dateOfDay, ledgerPurchases, type Ledger } from './ledger';
import { SEGMENTS, type SegmentRule } from './rfm';
import { dayNumber, summarize } from './summary';

export type AnalysisTask =
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
  readonly holdout: HoldoutOutcome | null;
  readonly scores: ScoreColumns;
}

export type AnalysisOutcome = FitOutcome | RefreshOutcome;

/** The typed arrays of an outcome, to hand over instead of copying. */
export function transferables(outcome: AnalysisOutcome): ArrayBuffer[] {
  if (outcome.kind !== 'refresh') return [];
  return Object.values(outcome.scores).map((column: ArrayBufferView) => column.buffer as ArrayBuffer);
}

/** The longest holdout period (days) model quality holds back, and the shortest worth a check. */
const MAX_HOLDOUT_DAYS = 364;
const MIN_HOLDOUT_DAYS = 28;

/** Model quality: the later part of the data held back (half of it, at most a year), or null when too short. */
function holdout(task: Extract<AnalysisTask, { kind: 'refresh' }>, purchases: ReturnType<typeof ledgerPurchases>) {
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
    } = holdoutCheck(purchases, {
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
  const purchases = ledgerPurchases(task.ledger);
  if (task.kind === 'fit') {
    const started = performance.now();
    const summaries = summarize(purchases, { calibrationEnd: task.calibrationEnd, unit: task.unit });
    const summarized = performance.now();
    onStage('bgnbd');
    const bgnbd = fitBgNbd(summaries);
    onStage('gammaGamma');
    const { gammaGamma } = fitSpend(summaries);
    return {
      kind: 'fit',
      bgnbd,
      gammaGamma,
      transactions: purchases.length,
      timings: { summaries: summarized - started, models: performance.now() - summarized },
    };
  }
  const analysis = analyze(purchases, {
    asOf: task.asOf,
    unit: task.unit,
    horizonMonths: task.horizonMonths,
    monthlyDiscount: task.monthlyDiscount,
    margin: task.margin,
    ...(task.segmentRules && { segmentRules: task.segmentRules }),
    onStage,
  });
  onStage('holdout');
  const quality = holdout(task, purchases);
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
    scores.customer[i] = Number(c.customer);
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
    holdout: quality,
    scores,
  };
}
