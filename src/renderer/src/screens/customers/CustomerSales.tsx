// A customer's sales tab: what the last analysis says about her in plain sentences ("Bought 7
// times, last 3 months ago; 82 % likely still active; expected to spend 1,240 € in the next 12
// months"), and her sales documents, newest first, with the totals as the books have them.
import { Button, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Customer } from '../../../../shared/contract';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useCan } from '../../lib/auth';
import { useProcedure } from '../../lib/query';
import { SaleActions, SaleForm } from '../sales/SaleForm';
import { SalesTable, SalesTotals } from '../sales/SalesTable';

const DAYS_PER_MONTH = 365.25 / 12;

/** The sentences of a customer's scores. */
function Scores({ customer }: { customer: Customer }) {
  const { t, i18n } = useTranslation();
  const found = useProcedure('analytics.customer', { customerId: customer.id });
  const data = found.data;
  if (found.error) return <ErrorAlert error={found.error} />;
  if (data === undefined) return null;
  if (data === null) {
    return (
      <Text size="sm" c="dimmed">
        {t('customers.sales.noScores')}
      </Text>
    );
  }
  const { score, run } = data;
  const language = i18n.language;
  const percent = new Intl.NumberFormat(language, { style: 'percent' });
  const money = new Intl.NumberFormat(language, {
    style: 'currency',
    currency: run.currency ?? 'EUR',
    maximumFractionDigits: 0,
  });
  const ago = (days: number) => {
    const months = Math.round(days / DAYS_PER_MONTH);
    const relative = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
    return months >= 1 ? relative.format(-months, 'month') : relative.format(-days, 'day');
  };
  const spend = score.expectedPurchases * (score.expectedSpend ?? 0);
  return (
    <Stack gap={4} role="status">
      <Text size="sm" data-testid="customer-scores">
        {t('customers.sales.bought', { count: score.x + 1, ago: ago(score.daysSinceLast) })}{' '}
        {t('customers.sales.alive', { percent: percent.format(score.pAlive) })}{' '}
        {score.expectedSpend === null
          ? t('customers.sales.purchases', {
              purchases: new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(score.expectedPurchases),
              months: run.horizonMonths,
            })
          : t('customers.sales.spend', { amount: money.format(spend), months: run.horizonMonths })}
      </Text>
      <Text size="xs" c="dimmed">
        {t('customers.sales.segment', { segment: t(`analytics.segments.${score.segment}` as const) })} ·{' '}
        {t('customers.sales.asOf', {
          date: new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).format(
            new Date(`${run.asOf}T00:00:00Z`),
          ),
        })}
      </Text>
    </Stack>
  );
}

export function CustomerSales({ customer }: { customer: Customer }) {
  const { t } = useTranslation();
  const canAnalyse = useCan('analytics.read');
  const canWrite = useCan('customers.write');
  const [writing, setWriting] = useState<'order' | 'invoice' | null>(null);
  const sales = useProcedure('sales.list', { customerId: customer.id, limit: 100 });
  return (
    <Stack>
      {canAnalyse && <Scores customer={customer} />}
      {canWrite && customer.erasedAt === null && (
        <Group>
          <Button size="xs" onClick={() => setWriting('invoice')}>
            {t('sales.new.invoice')}
          </Button>
          <Button size="xs" variant="default" onClick={() => setWriting('order')}>
            {t('sales.new.order')}
          </Button>
        </Group>
      )}
      {writing && <SaleForm customer={customer} kind={writing} onClose={() => setWriting(null)} />}
      <ErrorAlert error={sales.error} />
      {sales.data && sales.data.items.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('customers.sales.none')}
        </Text>
      )}
      {sales.data && sales.data.items.length > 0 && (
        <SalesTable
          page={sales.data}
          withCustomer={false}
          actions={canWrite ? (sale) => <SaleActions sale={sale} /> : undefined}
        />
      )}
      {sales.data && <SalesTotals page={sales.data} />}
    </Stack>
  );
}
