// The analytics dashboard: when the numbers were computed and on how many customers, a refresh
// that runs in the background with its stage and a cancel, and the last run's results — revenue
// over time, customers per segment, the CLV distribution, the valuable customers likeliest to
// leave (one click to the customer), the cohort heatmap and the model's quality on a holdout.
import { BarChart, LineChart } from '@mantine/charts';
import {
  Alert,
  Anchor,
  Button,
  Card,
  Group,
  Progress,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { segments as SEGMENTS, type AnalyticsRun } from '../../../../shared/contract';
import { paths } from '../../app/route';
import { ErrorAlert } from '../../components/ErrorAlert';
import { callLong } from '../../lib/api';
import { invalidateAreas, useProcedure } from '../../lib/query';
import { useLongCall } from '../../lib/use-long-call';
import { useCan } from '../../lib/auth';
import { SegmentRules } from './SegmentRules';

const STAGES = ['ledger', 'summaries', 'bgnbd', 'gammaGamma', 'cohorts', 'scores', 'store', 'done'] as const;

function useFormats(currency: string | null) {
  const { i18n } = useTranslation();
  const language = i18n.language;
  const money = new Intl.NumberFormat(language, {
    style: 'currency',
    currency: currency ?? 'EUR',
    maximumFractionDigits: 0,
  });
  return {
    money: (value: number) => money.format(value),
    percent: (value: number) => new Intl.NumberFormat(language, { style: 'percent' }).format(value),
    number: (value: number, digits = 0) =>
      new Intl.NumberFormat(language, { maximumFractionDigits: digits }).format(value),
    when: (iso: string) =>
      new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)),
    day: (date: string) =>
      new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`)),
  };
}

/** The valuable customers likeliest to leave: revenue so far × churn risk. */
function AtRisk({ currency, filter }: { currency: string | null; filter: Filter }) {
  const { t } = useTranslation();
  const f = useFormats(currency);
  const list = useProcedure('analytics.customers', { sort: 'valueAtRisk', limit: 10, ...filter });
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">
        {t('analytics.atRisk')}
      </Title>
      <ErrorAlert error={list.error} />
      <Table aria-label={t('analytics.atRisk')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('analytics.customer')}</Table.Th>
            <Table.Th>{t('analytics.revenue')}</Table.Th>
            <Table.Th>{t('analytics.churnRisk')}</Table.Th>
            <Table.Th>{t('analytics.segment')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(list.data?.items ?? []).map((c) => (
            <Table.Tr key={c.customerId}>
              <Table.Td>
                <Anchor component={Link} href={paths.customer(c.customerId)}>
                  {c.number} {c.name}
                </Anchor>
              </Table.Td>
              <Table.Td>{f.money(c.revenue)}</Table.Td>
              <Table.Td>{f.percent(c.churnRisk)}</Table.Td>
              <Table.Td>{t(`analytics.segments.${c.segment}`)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

/** Cohorts by month of first purchase: the share active in each later month, shaded. */
function Cohorts({ run, cohorts }: { run: AnalyticsRun; cohorts: AnalyticsRun['cohorts'] }) {
  const { t } = useTranslation();
  const f = useFormats(run.currency);
  const months = Math.max(0, ...cohorts.map((c) => c.share.length));
  const shown = Math.min(months, 13);
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">
        {t('analytics.cohorts')}
      </Title>
      <Table.ScrollContainer minWidth={500}>
        <Table aria-label={t('analytics.cohorts')} withColumnBorders>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('analytics.cohort')}</Table.Th>
              <Table.Th>{t('analytics.customers')}</Table.Th>
              {Array.from({ length: shown }, (_, m) => (
                <Table.Th key={m}>{t('analytics.month', { n: m })}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {cohorts.slice(-24).map((cohort) => (
              <Table.Tr key={cohort.month}>
                <Table.Td>{cohort.month}</Table.Td>
                <Table.Td>{f.number(cohort.customers)}</Table.Td>
                {cohort.share.slice(0, shown).map((share, m) => (
                  <Table.Td
                    key={m}
                    style={{ backgroundColor: `rgba(34, 139, 230, ${(0.1 + share * 0.9).toFixed(2)})` }}
                  >
                    {f.percent(share)}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}

/** Which customers the segment, CLV and churn parts show; the revenue chart shows the months chosen. */
interface Filter {
  ownerId?: string;
  tag?: string;
}

function Filters({
  run,
  filter,
  months,
  onFilter,
  onMonths,
}: {
  run: AnalyticsRun;
  filter: Filter;
  months: [string | null, string | null];
  onFilter: (filter: Filter) => void;
  onMonths: (months: [string | null, string | null]) => void;
}) {
  const { t } = useTranslation();
  const owners = useProcedure('customers.owners', {});
  const monthChoices = run.revenueByMonth.map((m) => m.month);
  const [tag, setTag] = useState(filter.tag ?? '');
  return (
    <Group align="flex-end" role="search" aria-label={t('analytics.filters')}>
      <Select
        label={t('analytics.from')}
        data={monthChoices}
        value={months[0]}
        clearable
        onChange={(value) => onMonths([value, months[1]])}
      />
      <Select
        label={t('analytics.to')}
        data={monthChoices}
        value={months[1]}
        clearable
        onChange={(value) => onMonths([months[0], value])}
      />
      <Select
        label={t('analytics.owner')}
        data={(owners.data ?? []).map((o) => ({ value: o.id, label: o.name }))}
        value={filter.ownerId ?? null}
        clearable
        onChange={(value) => onFilter({ ...filter, ...(value ? { ownerId: value } : { ownerId: undefined }) })}
      />
      <TextInput
        label={t('analytics.tag')}
        value={tag}
        onChange={(e) => setTag(e.currentTarget.value)}
        onBlur={() => onFilter({ ...filter, tag: tag.trim() || undefined })}
        onKeyDown={(e) => e.key === 'Enter' && onFilter({ ...filter, tag: tag.trim() || undefined })}
      />
    </Group>
  );
}

function Results({ run }: { run: AnalyticsRun }) {
  const { t } = useTranslation();
  const f = useFormats(run.currency);
  const [filter, setFilter] = useState<Filter>({});
  const [months, setMonths] = useState<[string | null, string | null]>([null, null]);
  const filtered = filter.ownerId !== undefined || filter.tag !== undefined;
  const clean: { ownerId?: string; tag?: string } = {
    ...(filter.ownerId && { ownerId: filter.ownerId }),
    ...(filter.tag && { tag: filter.tag }),
  };
  const breakdown = useProcedure('analytics.breakdown', clean, { enabled: filtered });
  const shown = filtered ? breakdown.data : run;
  const segments = SEGMENTS.map((segment) => ({
    segment: t(`analytics.segments.${segment}`),
    customers: shown?.segments[segment] ?? 0,
  }));
  /** The period chosen: the revenue chart's months, and the cohorts that started in it. */
  const inPeriod = (month: string) =>
    (months[0] === null || month >= months[0]) && (months[1] === null || month <= months[1]);
  const revenue = run.revenueByMonth.filter((m) => inPeriod(m.month));
  const correlation = run.gammaGamma?.spendCorrelation ?? null;
  return (
    <Stack>
      <Filters run={run} filter={filter} months={months} onFilter={setFilter} onMonths={setMonths} />
      {filtered && <ErrorAlert error={breakdown.error} />}
      {filtered && breakdown.data && (
        <Text size="sm" c="dimmed" role="status">
          {t('analytics.filtered', { customers: f.number(breakdown.data.customers) })}
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Title order={3} size="h4" mb="xs">
            {t('analytics.revenueOverTime')}
          </Title>
          <LineChart
            h={220}
            data={revenue}
            dataKey="month"
            series={[{ name: 'revenue', label: t('analytics.revenue'), color: 'blue.6' }]}
            valueFormatter={f.money}
            withDots={false}
          />
        </Card>
        <Card withBorder>
          <Title order={3} size="h4" mb="xs">
            {t('analytics.perSegment')}
          </Title>
          <BarChart
            h={220}
            data={segments}
            dataKey="segment"
            series={[{ name: 'customers', label: t('analytics.customers'), color: 'teal.6' }]}
            valueFormatter={(v) => f.number(v)}
          />
        </Card>
        <Card withBorder>
          <Title order={3} size="h4" mb="xs">
            {t('analytics.clvDistribution', { months: run.horizonMonths })}
          </Title>
          <BarChart
            h={220}
            data={(shown?.clvDistribution ?? []).map((band) => ({
              band: `${f.money(band.from)}–${f.money(band.to)}`,
              customers: band.customers,
            }))}
            dataKey="band"
            series={[{ name: 'customers', label: t('analytics.customers'), color: 'grape.6' }]}
            valueFormatter={(v) => f.number(v)}
          />
        </Card>
        <Card withBorder>
          <Title order={3} size="h4" mb="xs">
            {t('analytics.quality')}
          </Title>
          {run.holdout ? (
            <>
              <Text size="sm" c="dimmed" mb="xs">
                {t('analytics.qualityText', {
                  from: f.day(run.holdout.calibrationEnd),
                  to: f.day(run.holdout.holdoutEnd),
                  predicted: f.number(run.holdout.predictedTotal),
                  actual: f.number(run.holdout.actualTotal),
                  error: f.number(run.holdout.meanAbsoluteError, 2),
                })}
              </Text>
              <BarChart
                h={180}
                data={run.holdout.buckets.map((b) => ({
                  x: b.x === run.holdout!.buckets.length - 1 ? `${b.x}+` : String(b.x),
                  predicted: b.predicted,
                  actual: b.actual,
                }))}
                dataKey="x"
                series={[
                  { name: 'predicted', label: t('analytics.predicted'), color: 'blue.6' },
                  { name: 'actual', label: t('analytics.actual'), color: 'orange.6' },
                ]}
                valueFormatter={(v) => f.number(v, 2)}
              />
            </>
          ) : (
            <Text size="sm" c="dimmed">
              {t('analytics.qualityNone')}
            </Text>
          )}
        </Card>
      </SimpleGrid>
      <AtRisk currency={run.currency} filter={clean} />
      <Cohorts run={run} cohorts={run.cohorts.filter((c) => inPeriod(c.month))} />
      <Text size="sm" c="dimmed">
        {run.gammaGamma
          ? t(
              Math.abs(correlation ?? 0) <= 0.3
                ? 'analytics.spendAssumptionHolds'
                : 'analytics.spendAssumptionDoubtful',
              {
                correlation: f.number(correlation ?? 0, 2),
              },
            )
          : t('analytics.noSpendModel')}
      </Text>
    </Stack>
  );
}

export function AnalyticsScreen() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const canManage = useCan('settings.manage');
  const status = useProcedure('analytics.status', {});
  const refresh = useLongCall();
  const run = status.data ?? null;
  const f = useFormats(run?.currency ?? null);
  const stage = refresh.progress?.message ?? 'ledger';
  const step = Math.max(0, STAGES.indexOf(stage as (typeof STAGES)[number]));
  const start = () =>
    void refresh
      .run((options) => callLong('analytics.refresh', {}, options))
      .then(() => invalidateAreas(client, ['analytics']));
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('nav.analytics')}</Title>
        <Group gap="xs">
          {refresh.running && (
            <Button variant="default" onClick={refresh.cancel}>
              {t('analytics.cancel')}
            </Button>
          )}
          <Button onClick={start} loading={refresh.running}>
            {t('analytics.refresh')}
          </Button>
        </Group>
      </Group>
      <ErrorAlert error={status.error} />
      {refresh.error && (
        <Alert color="red" role="alert">
          {refresh.error}
        </Alert>
      )}
      {refresh.running && (
        <Stack gap={4} role="status" aria-live="polite">
          <Text size="sm">{t(`analytics.stages.${STAGES[step] ?? 'ledger'}`)}</Text>
          <Progress value={(100 * step) / (STAGES.length - 1)} aria-label={t('analytics.refreshing')} />
        </Stack>
      )}
      {refresh.cancelled && (
        <Text size="sm" c="dimmed" role="status">
          {t('analytics.cancelled')}
        </Text>
      )}
      {status.data !== undefined && (
        <Text c="dimmed" size="sm" role="status">
          {run
            ? t('analytics.computed', {
                when: f.when(run.computedAt),
                asOf: f.day(run.asOf),
                customers: f.number(run.customers),
                purchases: f.number(run.transactions),
              })
            : t('analytics.none')}
        </Text>
      )}
      {run && <Results run={run} />}
      {canManage && <SegmentRules />}
    </Stack>
  );
}
