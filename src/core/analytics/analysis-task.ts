// The work of an analysis as tasks of plain data: the ledger's columns in; the fits, segments and
// cohorts (model), and the customers' outlook in parts (scores), out in columns again (typed arrays
// cross between threads without a copy). The analysis worker runs it (analysis.worker.ts); where no worker can start, the calling
// thread does (analysis-runner.ts).
import { AppError } from '../../shared/errors';
import { describeCustomers, fitSpend, outlook, summariesOf } from './analysis';
import type { BgNbdFit, BgNbdParams } from './bgnbd';
import type { TimeUnit } from './clv';
import type { Cohort } from './cohorts';
import type { GammaGammaFit, GammaGammaParams } from './gamma-gamma';
import { fitBgNbd } from './bgnbd';
import { holdoutCheck, type HoldoutResult } from './holdout';
import { SEGMENTS, type SegmentRule } from './rfm';
import { dateOfDay, dayNumber, monthName, monthsOfDays, summarizeLedger, type Ledger } from './summary';

export type AnalysisTask =
  | {
      /** Model quality: BG/NBD fitted on all but the later part of the data, checked on that part. */
      readonly kind: 'holdout';
      readonly ledger: Ledger;
      readonly asOf: string;
      readonly unit: TimeUnit;
      /** The purchase model fitted on all the data, where the calibration part's fit starts. */
      readonly near?: BgNbdParams | undefined;
    }
  | {
      /** The purchase model (BG/NBD) alone, beside a `model` task on another thread. */
      readonly kind: 'repeat';
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
      /** Summaries, the spend model, RFM segments, cohorts and revenue per month: what needs every customer but the purchase model. */
      readonly kind: 'model';
      readonly ledger: Ledger;
      readonly asOf: string;
      readonly unit: TimeUnit;
      readonly segmentRules?: readonly SegmentRule[] | undefined;
    }
  | {
      /** The outlook of some customers (a part of the model's summaries) from the fitted models. */
      readonly kind: 'scores';
      readonly customers: SummaryColumns;
      readonly bgnbd: BgNbdParams;
      readonly gammaGamma: GammaGammaParams | null;
      readonly unit: TimeUnit;
      readonly horizonMonths: number;
      readonly monthlyDiscount: number;
      readonly margin: number;
    };

/** The customers' summaries in columns; a mean spend that does not exist is NaN. */
export interface SummaryColumns {
  /** Index into the ledger's customers. */
  readonly at: Int32Array;
  readonly x: Int32Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  readonly meanSpend: Float64Array;
  readonly daysSinceLast: Int32Array;
  readonly revenue: Float64Array;
}

/** The customers `from` … `to` of summary columns (copies: a part travels to a worker on its own). */
export function sliceSummaries(columns: SummaryColumns, from: number, to: number): SummaryColumns {
  return {
    at: columns.at.slice(from, to),
    x: columns.x.slice(from, to),
    tx: columns.tx.slice(from, to),
    T: columns.T.slice(from, to),
    meanSpend: columns.meanSpend.slice(from, to),
    daysSinceLast: columns.daysSinceLast.slice(from, to),
    revenue: columns.revenue.slice(from, to),
  };
}

export interface FitOutcome {
  readonly kind: 'fit';
  readonly bgnbd: BgNbdFit;
  readonly gammaGamma: GammaGammaFit | null;
  readonly transactions: number;
  /** ms: the summaries alone, and both fits. */
  readonly timings: { readonly summaries: number; readonly models: number };
}

/** Each customer's RFM scores, in the order of the summaries; the segment as an index into SEGMENTS. */
export interface RfmColumns {
  readonly recency: Uint8Array;
  readonly frequency: Uint8Array;
  readonly monetary: Uint8Array;
  readonly segment: Uint8Array;
}

/** Each customer's outlook, in the order of the summaries given; null values are NaN. */
export interface OutlookColumns {
  readonly pAlive: Float64Array;
  readonly expectedPurchases: Float64Array;
  readonly expectedSpend: Float64Array;
  readonly clv: Float64Array;
}

export interface HoldoutOutcome extends Omit<HoldoutResult, 'fit' | 'length'> {
  readonly calibrationEnd: string;
  readonly holdoutEnd: string;
}

export interface ModelOutcome {
  readonly kind: 'model';
  readonly gammaGamma: GammaGammaFit | null;
  readonly spendExcluded: number;
  readonly cohorts: readonly Cohort[];
  /** Revenue per calendar month (`YYYY-MM`), the months without purchases too. */
  readonly revenueByMonth: readonly { readonly month: string; readonly revenue: number }[];
  readonly summaries: SummaryColumns;
  readonly rfm: RfmColumns;
}

export type AnalysisOutcome =
  | FitOutcome
  | ModelOutcome
  | { readonly kind: 'repeat'; readonly bgnbd: BgNbdFit }
  | ({ readonly kind: 'scores' } & OutlookColumns)
  | { readonly kind: 'holdout'; readonly holdout: HoldoutOutcome | null };

/** The typed arrays of an outcome, to hand over instead of copying. */
export function transferables(outcome: AnalysisOutcome): ArrayBuffer[] {
  const columns: ArrayBufferView[] = [];
  if (outcome.kind === 'model') {
    columns.push(...(Object.values(outcome.summaries) as ArrayBufferView[]));
    columns.push(...(Object.values(outcome.rfm) as ArrayBufferView[]));
  } else if (outcome.kind === 'scores') {
    columns.push(outcome.pAlive, outcome.expectedPurchases, outcome.expectedSpend, outcome.clv);
  }
  return columns.map((column) => column.buffer as ArrayBuffer);
}

/** Revenue per month up to `end` (a day number), every month from the first to the last. */
function revenueByMonth(ledger: Ledger, end: number) {
  const { firstDay, month } = monthsOfDays(ledger, end);
  if (month.length === 0) return [];
  const first = month[0] as number;
  const sums = new Float64Array((month[month.length - 1] as number) - first + 1);
  for (let i = 0; i < ledger.day.length; i++) {
    const day = ledger.day[i] as number;
    if (day > end) continue;
    const m = (month[day - firstDay] as number) - first;
    sums[m] = (sums[m] as number) + (ledger.amount[i] as number);
  }
  return Array.from(sums, (sum, k) => ({ month: monthName(first + k), revenue: Math.round(sum * 100) / 100 }));
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
      near: task.near,
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
  if (task.kind === 'scores') return { kind: 'scores', ...outlooks(task) };
  if (task.kind === 'repeat') {
    const summaries = summariesOf(task.ledger, { asOf: task.asOf, unit: task.unit, onStage });
    onStage('bgnbd');
    return { kind: 'repeat', bgnbd: fitBgNbd(summaries) };
  }
  const options = {
    asOf: task.asOf,
    unit: task.unit,
    ...(task.segmentRules && { segmentRules: task.segmentRules }),
    onStage,
  };
  const model = describeCustomers(task.ledger, summariesOf(task.ledger, options), options);
  const n = model.summaries.length;
  const summaries: SummaryColumns = {
    at: new Int32Array(n),
    x: new Int32Array(n),
    tx: new Float64Array(n),
    T: new Float64Array(n),
    meanSpend: new Float64Array(n),
    daysSinceLast: new Int32Array(n),
    revenue: new Float64Array(n),
  };
  const rfm: RfmColumns = {
    recency: new Uint8Array(n),
    frequency: new Uint8Array(n),
    monetary: new Uint8Array(n),
    segment: new Uint8Array(n),
  };
  model.summaries.forEach((s, i) => {
    summaries.at[i] = s.at;
    summaries.x[i] = s.x;
    summaries.tx[i] = s.tx;
    summaries.T[i] = s.T;
    summaries.meanSpend[i] = s.meanSpend ?? Number.NaN;
    summaries.daysSinceLast[i] = s.daysSinceLast;
    summaries.revenue[i] = s.revenue;
    const score = model.rfm[i];
    rfm.recency[i] = score?.recency ?? 1;
    rfm.frequency[i] = score?.frequency ?? 1;
    rfm.monetary[i] = score?.monetary ?? 1;
    rfm.segment[i] = SEGMENTS.indexOf(score?.segment ?? 'lost');
  });
  return {
    kind: 'model',
    gammaGamma: model.gammaGamma,
    spendExcluded: model.spendExcluded,
    cohorts: model.cohorts,
    revenueByMonth: revenueByMonth(task.ledger, dayNumber(task.asOf)),
    summaries,
    rfm,
  };
}

/** The outlook of each customer of a scores task. */
function outlooks(task: Extract<AnalysisTask, { kind: 'scores' }>): OutlookColumns {
  const { customers: c } = task;
  const n = c.at.length;
  const out: OutlookColumns = {
    pAlive: new Float64Array(n),
    expectedPurchases: new Float64Array(n),
    expectedSpend: new Float64Array(n),
    clv: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const meanSpend = c.meanSpend[i] as number;
    const o = outlook(
      task.bgnbd,
      task.gammaGamma,
      {
        x: c.x[i] as number,
        tx: c.tx[i] as number,
        T: c.T[i] as number,
        meanSpend: Number.isNaN(meanSpend) ? null : meanSpend,
      },
      task,
    );
    out.pAlive[i] = o.pAlive;
    out.expectedPurchases[i] = o.expectedPurchases;
    out.expectedSpend[i] = o.expectedSpend ?? Number.NaN;
    out.clv[i] = o.clv ?? Number.NaN;
  }
  return out;
}
