// Customer analytics of one company: the ledger read in pages, the models run on a worker thread
// (analysis-runner.ts), the result stored — each run with its parameters and what it was computed
// on, and the scores of every customer from the last run — so screens and the CLI read it at once.
import { getTableName, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import {
  analyticsRunSchema,
  type analyticsSorts,
  segmentRulesSchema,
  segments,
  type SegmentRule,
  type AnalyticsBreakdown,
  type AnalyticsRun,
  type CustomerScoreRow,
  type FitResult,
  type SegmentName,
} from '../../shared/contract';
import { AppError, throwIfCancelled } from '../../shared/errors';
import { hasTag } from '../customers/customers.list.sql';
import { customersSqlite } from '../customers/customers.schema';
import { col, selectColumns, toNumber, toText, type Executor } from '../db/executor';
import type { Clock, IdSource } from '../deps';
import { yieldToEventLoop } from '../yield';
import type { AnalysisRunner } from './analysis-runner';
import { sliceSummaries, type AnalysisOutcome } from './analysis-task';
import type { BgNbdFit } from './bgnbd';
import type { TimeUnit } from './clv';
import type { GammaGammaFit } from './gamma-gamma';
import { readLedger } from './ledger';
import { analyticsRunsSqlite, analyticsScoresSqlite } from './analytics.schema';
import { checkSegmentRules, DEFAULT_SEGMENT_RULES } from './rfm';
import type { SettingsStore } from '../settings/settings.store';

const runs = analyticsRunsSqlite;
const scores = analyticsScoresSqlite;
const c = customersSqlite;
type ScoreRow = Record<keyof typeof scores.$inferSelect, unknown>;

/** Score rows per insert, with a yield between: other calls get in while a large refresh stores. */
const STORE_CHUNK = 500;

/** The stages of a refresh, in order, for progress (done of total). */
const STAGES = ['ledger', 'summaries', 'bgnbd', 'gammaGamma', 'cohorts', 'scores', 'store'] as const;

/** From this many customers on, the outlook is computed in two halves, one per worker. */
const SPLIT_FROM = 5000;

/**
 * Both results; or, when one task failed and the other was cancelled because of it, the failure
 * that says why (a model that cannot be fitted, not "cancelled").
 */
export async function together<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [x, y] = await Promise.allSettled([a, b]);
  if (x.status === 'fulfilled' && y.status === 'fulfilled') return [x.value, y.value];
  const errors = [x, y].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  const cancel = (e: unknown) => e instanceof AppError && e.details?.['reason'] === 'cancelled';
  throw errors.find((e) => !cancel(e)) ?? errors[0];
}

export interface Progress {
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((done: number, total: number, stage: string) => void) | undefined;
}

const bgnbdResult = (fit: BgNbdFit) => ({
  ...fit.params,
  logLikelihood: fit.logLikelihood,
  standardErrors: fit.standardErrors,
});
const gammaGammaResult = (fit: GammaGammaFit | null) =>
  fit && {
    ...fit.params,
    logLikelihood: fit.logLikelihood,
    standardErrors: fit.standardErrors,
    spendCorrelation: fit.spendCorrelation,
  };

const nullIfNaN = (value: number) => (Number.isNaN(value) ? null : value);

/** Bands of CLV for the distribution chart: ten equal ones up to the 99th percentile, and the rest. */
function clvBands(values: number[]): { from: number; to: number; customers: number }[] {
  if (values.length === 0) return [];
  values.sort((p, q) => p - q);
  const low = Math.min(0, values[0] ?? 0);
  const high = values[Math.min(values.length - 1, Math.floor(values.length * 0.99))] ?? 0;
  const max = values[values.length - 1] ?? 0;
  const width = (high - low) / 10 || 1;
  const bands = Array.from({ length: 10 }, (_, k) => ({
    from: low + k * width,
    to: low + (k + 1) * width,
    customers: 0,
  }));
  if (max > high) bands.push({ from: high, to: max, customers: 0 });
  for (const value of values) {
    const k = value >= high && max > high ? bands.length - 1 : Math.min(9, Math.floor((value - low) / width));
    const band = bands[k];
    if (band) band.customers += 1;
  }
  return bands.map(({ from, to, customers }) => ({
    from: Math.round(from * 100) / 100,
    to: Math.round(to * 100) / 100,
    customers,
  }));
}

/** Which customers a list or breakdown is about. */
type Filter = { readonly ownerId?: string | undefined; readonly tag?: string | undefined };

/** Company setting: the rules from RFM scores to segments (absent: the defaults). */
const SEGMENT_RULES_KEY = 'analytics.segmentRules';

export interface AnalyticsServiceDeps {
  readonly db: Executor;
  readonly settings: SettingsStore;
  readonly runner: AnalysisRunner;
  readonly clock: Clock;
  readonly ids: IdSource;
}

export function createAnalyticsService({ db, settings, runner, clock, ids }: AnalyticsServiceDeps) {
  const runsTable = db.table(getTableName(runs));
  const scoresTable = db.table(getTableName(scores));
  const customersTable = db.table(getTableName(c));
  const today = () => clock.now().toISOString().slice(0, 10);

  async function ledgerUpTo(asOf: string, currency: string | undefined, signal?: AbortSignal) {
    const read = await readLedger(db, { asOf, currency }, signal);
    if (read.ledger.day.length === 0) {
      throw new AppError(
        'validation',
        `the ledger has no purchases up to ${asOf}${currency ? ` in ${currency}` : ''}: import or record sales first`,
        { reason: 'analytics_no_sales' },
      );
    }
    return read;
  }

  /**
   * Replaces the scores and records the run (`finish` completes it once the scores are written),
   * its time measured from `started` up to its own row.
   */
  async function store(
    rows: (typeof scores.$inferInsert)[],
    started: number,
    signal: AbortSignal | undefined,
    finish: () => Promise<Omit<AnalyticsRun, 'milliseconds'>>,
  ): Promise<AnalyticsRun> {
    return db.transaction(async (tx) => {
      await tx.run(sql`DELETE FROM ${scoresTable}`);
      for (let at = 0; at < rows.length; at += STORE_CHUNK) {
        throwIfCancelled(signal, 'analysis cancelled; nothing was changed');
        await tx.insert(scores, rows.slice(at, at + STORE_CHUNK));
        await yieldToEventLoop();
      }
      const done: AnalyticsRun = { ...(await finish()), milliseconds: Math.round(performance.now() - started) };
      await tx.insert(runs, [{ id: done.id, computedAt: done.computedAt, run: JSON.stringify(done) }]);
      return done;
    });
  }

  async function status(): Promise<AnalyticsRun | null> {
    const [row] = await db.rows(sql`SELECT ${col(runs.run)} AS run FROM ${runsTable}
      ORDER BY ${col(runs.computedAt)} DESC LIMIT 1`);
    return row ? analyticsRunSchema.parse(JSON.parse(String(row['run']))) : null;
  }

  /** The last run; `analytics_not_computed` before the first. */
  async function lastRun(): Promise<AnalyticsRun> {
    const run = await status();
    if (!run) {
      throw new AppError('not_found', 'no analysis yet: refresh the analytics first', {
        reason: 'analytics_not_computed',
      });
    }
    return run;
  }

  async function segmentRules() {
    const stored = await settings.get(SEGMENT_RULES_KEY, segmentRulesSchema);
    return { rules: stored ?? [...DEFAULT_SEGMENT_RULES], isDefault: stored === undefined };
  }

  /** The customers of one owner and/or with one tag (any case), as a condition on the customers alias `c`. */
  function subset({ ownerId, tag }: Filter): SQL {
    const conditions = [sql`1 = 1`];
    if (ownerId) conditions.push(sql`${col(c.ownerId, 'c')} = ${ownerId}`);
    if (tag) conditions.push(hasTag(db, 'c', tag));
    return sql.join(conditions, sql` AND `);
  }

  /** Scored customers with their number and name. */
  async function scored(where: SQL, rest: SQL): Promise<CustomerScoreRow[]> {
    const rows = await db.rows<
      ScoreRow & { cNumber: unknown; cName: unknown }
    >(sql`SELECT ${selectColumns(scores, 's')},
      ${col(c.number, 'c')} AS ${sql.identifier('cNumber')}, ${col(c.name, 'c')} AS ${sql.identifier('cName')}
      FROM ${scoresTable} s JOIN ${customersTable} c ON ${col(c.id, 'c')} = ${col(scores.customerId, 's')}
      ${where} ${rest}`);
    const segment = z.enum(segments);
    const nullable = (value: unknown) => (value === null || value === undefined ? null : toNumber(value));
    return rows.map((row) => ({
      customerId: String(row.customerId),
      number: toText(row.cNumber) ?? '',
      name: toText(row.cName) ?? '',
      x: toNumber(row.x),
      daysSinceLast: toNumber(row.daysSinceLast),
      revenue: toNumber(row.revenue),
      pAlive: toNumber(row.pAlive),
      churnRisk: 1 - toNumber(row.pAlive),
      expectedPurchases: toNumber(row.expectedPurchases),
      expectedSpend: nullable(row.expectedSpend),
      clv: nullable(row.clv),
      recency: toNumber(row.recency),
      frequency: toNumber(row.frequency),
      monetary: toNumber(row.monetary),
      segment: segment.parse(row.segment),
    }));
  }

  return {
    status,
    segmentRules,

    /** Refuses rules that leave a pair of scores without a segment (rfm_rules_gap); null: the defaults. */
    async setSegmentRules(rules: readonly SegmentRule[] | null) {
      if (rules === null) await settings.delete(SEGMENT_RULES_KEY);
      else await settings.set(SEGMENT_RULES_KEY, checkSegmentRules(rules));
      return segmentRules();
    },

    async fit(
      options: { calibrationEnd?: string | undefined; unit: TimeUnit; currency?: string | undefined },
      { signal, onProgress }: Progress = {},
    ): Promise<FitResult> {
      const calibrationEnd = options.calibrationEnd ?? today();
      const started = performance.now();
      onProgress?.(0, 3, 'ledger');
      const { ledger, currency } = await ledgerUpTo(calibrationEnd, options.currency, signal);
      const read = performance.now() - started;
      const outcome = await runner(
        { kind: 'fit', ledger, calibrationEnd, unit: options.unit },
        { signal, onStage: (stage) => onProgress?.(stage === 'bgnbd' ? 1 : 2, 3, stage) },
      );
      if (outcome.kind !== 'fit') throw new Error('the analysis worker answered another task');
      onProgress?.(3, 3, 'done');
      return {
        calibrationEnd,
        unit: options.unit,
        currency,
        bgnbd: bgnbdResult(outcome.bgnbd),
        gammaGamma: gammaGammaResult(outcome.gammaGamma),
        customers: outcome.bgnbd.customers,
        repeatCustomers: outcome.bgnbd.repeatCustomers,
        transactions: outcome.transactions,
        timings: { ledger: read + outcome.timings.summaries, models: outcome.timings.models },
      };
    },

    async refresh(
      options: {
        asOf?: string | undefined;
        unit: TimeUnit;
        currency?: string | undefined;
        horizonMonths: number;
        monthlyDiscount: number;
        margin: number;
      },
      { signal, onProgress }: Progress = {},
    ): Promise<AnalyticsRun> {
      const started = performance.now();
      const asOf = options.asOf ?? today();
      let reached = -1;
      // Two tasks report their stages at once: progress only moves forward, each stage told once.
      const step = (stage: string) => {
        const at = STAGES.indexOf(stage as (typeof STAGES)[number]);
        if (at <= reached) return;
        reached = at;
        onProgress?.(at, STAGES.length, stage);
      };
      step('ledger');
      const { ledger, currency, otherCurrencies } = await ledgerUpTo(asOf, options.currency, signal);
      const { unit } = options;
      const rules = (await segmentRules()).rules;
      // The purchase model on one worker, the rest of the model (spend, segments, cohorts) on the
      // other; then the customers' scores in two parts, one on each; then model quality, starting
      // from the purchase model, while the scores are written. One task failing stops the others.
      const failed = new AbortController();
      const stop = signal ? AbortSignal.any([signal, failed.signal]) : failed.signal;
      const task = async <K extends AnalysisOutcome['kind']>(kind: K, work: Promise<AnalysisOutcome>) => {
        try {
          const outcome = await work;
          if (outcome.kind !== kind) throw new Error('the analysis worker answered another task');
          return outcome as Extract<AnalysisOutcome, { kind: K }>;
        } catch (error) {
          failed.abort();
          throw error;
        }
      };
      const repeat = task('repeat', runner({ kind: 'repeat', ledger, asOf, unit }, { signal: stop, onStage: step }));
      const described = task(
        'model',
        runner({ kind: 'model', ledger, asOf, unit, segmentRules: rules }, { signal: stop, onStage: step }),
      );
      const [{ bgnbd }, model] = await together(repeat, described);
      step('scores');
      const n = model.summaries.at.length;
      const half = n >= SPLIT_FROM ? Math.ceil(n / 2) : n;
      const scoring = Promise.all(
        [
          [0, half],
          [half, n],
        ]
          .filter(([from, to]) => (to ?? 0) > (from ?? 0))
          .map(([from = 0, to = 0]) =>
            task(
              'scores',
              runner(
                {
                  kind: 'scores',
                  customers: sliceSummaries(model.summaries, from, to),
                  bgnbd: bgnbd.params,
                  gammaGamma: model.gammaGamma?.params ?? null,
                  unit,
                  horizonMonths: options.horizonMonths,
                  monthlyDiscount: options.monthlyDiscount,
                  margin: options.margin,
                },
                { signal: stop },
              ),
            ),
          ),
      );
      // Model quality after the scores, on the first worker free: beside the scores being written.
      const checking = task(
        'holdout',
        runner({ kind: 'holdout', ledger, asOf, unit, near: bgnbd.params }, { signal: stop }),
      );
      checking.catch(() => undefined); // awaited when the run is written, after the rest (whose failure comes first)
      const parts = await scoring;
      step('store');
      const { summaries: s, rfm } = model;
      const counts = Object.fromEntries(segments.map((name) => [name, 0])) as Record<SegmentName, number>;
      const rows = Array.from(s.at, (customer, i): typeof scores.$inferInsert => {
        const part = parts[i < half ? 0 : 1];
        const k = i < half ? i : i - half;
        if (!part) throw new Error('a customer in no part of the scores');
        const segment = segments[rfm.segment[i] ?? 0] ?? 'lost';
        counts[segment] += 1;
        return {
          customerId: ledger.customers[customer] ?? '',
          x: s.x[i] ?? 0,
          daysSinceLast: s.daysSinceLast[i] ?? 0,
          revenue: s.revenue[i] ?? 0,
          pAlive: part.pAlive[k] ?? 0,
          expectedPurchases: part.expectedPurchases[k] ?? 0,
          expectedSpend: nullIfNaN(part.expectedSpend[k] ?? Number.NaN),
          clv: nullIfNaN(part.clv[k] ?? Number.NaN),
          recency: rfm.recency[i] ?? 1,
          frequency: rfm.frequency[i] ?? 1,
          monetary: rfm.monetary[i] ?? 1,
          segment,
        };
      });
      const run: Omit<AnalyticsRun, 'milliseconds' | 'holdout'> = {
        id: ids.next(),
        computedAt: clock.now().toISOString(),
        asOf,
        unit: options.unit,
        currency,
        horizonMonths: options.horizonMonths,
        monthlyDiscount: options.monthlyDiscount,
        margin: options.margin,
        customers: rows.length,
        transactions: ledger.day.length,
        otherCurrencies,
        bgnbd: bgnbdResult(bgnbd),
        gammaGamma: gammaGammaResult(model.gammaGamma),
        spendExcluded: model.spendExcluded,
        segments: counts,
        cohorts: model.cohorts.map(({ month, customers, share }) => ({ month, customers, share: [...share] })),
        revenueByMonth: [...model.revenueByMonth],
        clvDistribution: clvBands(rows.flatMap((row) => (row.clv === null || row.clv === undefined ? [] : [row.clv]))),
      };
      const done = await store(rows, started, signal, async () => {
        const { holdout } = await checking;
        return { ...run, holdout: holdout && { ...holdout, buckets: [...holdout.buckets] } };
      }).catch((error: unknown) => {
        failed.abort(); // a failed or cancelled store stops the model-quality check still running
        throw error;
      });
      onProgress?.(STAGES.length, STAGES.length, 'done');
      return done;
    },

    async customers(
      query: Filter & {
        sort: (typeof analyticsSorts)[number];
        segment?: SegmentName | undefined;
        limit: number;
      },
    ): Promise<{ run: AnalyticsRun; items: CustomerScoreRow[] }> {
      const run = await lastRun();
      const order = {
        // Nulls (spend not modelled) last on both dialects.
        clv: sql`(${col(scores.clv, 's')} IS NULL), ${col(scores.clv, 's')} DESC`,
        churn: sql`${col(scores.pAlive, 's')} ASC`,
        valueAtRisk: sql`${col(scores.revenue, 's')} * (1 - ${col(scores.pAlive, 's')}) DESC`,
        expectedPurchases: sql`${col(scores.expectedPurchases, 's')} DESC`,
        revenue: sql`${col(scores.revenue, 's')} DESC`,
      }[query.sort];
      const where = sql`WHERE ${subset(query)}${query.segment ? sql` AND ${col(scores.segment, 's')} = ${query.segment}` : sql``}`;
      return {
        run,
        items: await scored(where, sql`ORDER BY ${order}, ${col(scores.customerId, 's')} LIMIT ${query.limit}`),
      };
    },

    /** Customers per segment and the CLV distribution of the last run, for one owner or tag. */
    async breakdown(filter: Filter): Promise<AnalyticsBreakdown> {
      await lastRun();
      const from = sql`FROM ${scoresTable} s JOIN ${customersTable} c ON ${col(c.id, 'c')} = ${col(scores.customerId, 's')}
        WHERE ${subset(filter)}`;
      const perSegment = await db.rows(sql`SELECT ${col(scores.segment, 's')} AS segment, count(*) AS n ${from}
        GROUP BY ${col(scores.segment, 's')}`);
      const counts = Object.fromEntries(segments.map((name) => [name, 0])) as Record<SegmentName, number>;
      for (const row of perSegment) counts[z.enum(segments).parse(row['segment'])] = toNumber(row['n']);
      const clvs = (
        await db.column(sql`SELECT ${col(scores.clv, 's')} ${from} AND ${col(scores.clv, 's')} IS NOT NULL`)
      ).map(toNumber);
      return {
        customers: Object.values(counts).reduce((sum, n) => sum + n, 0),
        segments: counts,
        clvDistribution: clvBands(clvs),
      };
    },

    /** One customer's scores from the last run, with what the screen's sentence needs of the run. */
    async customer(customerId: string) {
      const run = await status();
      const [score] = run ? await scored(sql`WHERE ${col(scores.customerId, 's')} = ${customerId}`, sql``) : [];
      if (!run || !score) return null;
      const { computedAt, asOf, currency, horizonMonths } = run;
      return { run: { computedAt, asOf, currency, horizonMonths }, score };
    },
  };
}
export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
