// The sales list: every document of the company, newest first, filtered by kind, status, period
// and the start of a number, with the totals of everything the filters find (not only the page)
// and a link to each document's customer. More pages load on request.
import { Button, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  saleKinds,
  saleStatuses,
  type SaleKind,
  type SaleListInput,
  type SaleStatus,
} from '../../../../shared/contract';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useProcedure } from '../../lib/query';
import { SalesTable, SalesTotals } from './SalesTable';
import { SalesImportDialog } from './SalesImport';
import { useCan } from '../../lib/auth';

const PAGE = 100;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function SalesScreen() {
  const { t } = useTranslation();
  const [kind, setKind] = useState<SaleKind | null>(null);
  const [status, setStatus] = useState<SaleStatus | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [number, setNumber] = useState('');
  const [pages, setPages] = useState(1);
  const [importing, setImporting] = useState(false);
  const canWrite = useCan('customers.write');
  const input: SaleListInput = {
    limit: Math.min(500, PAGE * pages),
    ...(kind && { kind }),
    ...(status && { status }),
    // A date half typed filters nothing yet.
    ...(DAY.test(from) && { from }),
    ...(DAY.test(to) && { to }),
    ...(number.trim() && { number: number.trim() }),
  };
  const list = useProcedure('sales.list', input, { keepPrevious: true });
  const filtered = (set: () => void) => {
    set();
    setPages(1);
  };
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('nav.sales')}</Title>
        {canWrite && (
          <Button variant="default" onClick={() => setImporting(true)}>
            {t('sales.import.open')}
          </Button>
        )}
      </Group>
      {importing && <SalesImportDialog onClose={() => setImporting(false)} />}
      <Group align="flex-end" role="search" aria-label={t('sales.filters')}>
        <Select
          label={t('customers.sales.kind')}
          clearable
          data={saleKinds.map((k) => ({ value: k, label: t(`customers.sales.kinds.${k}`) }))}
          value={kind}
          onChange={(value) => filtered(() => setKind(value))}
        />
        <Select
          label={t('customers.sales.status')}
          clearable
          data={saleStatuses.map((s) => ({ value: s, label: t(`customers.sales.statuses.${s}`) }))}
          value={status}
          onChange={(value) => filtered(() => setStatus(value))}
        />
        <TextInput
          label={t('sales.from')}
          placeholder="2026-01-01"
          value={from}
          onChange={(e) => filtered(() => setFrom(e.currentTarget.value.trim()))}
        />
        <TextInput
          label={t('sales.to')}
          placeholder="2026-12-31"
          value={to}
          onChange={(e) => filtered(() => setTo(e.currentTarget.value.trim()))}
        />
        <TextInput
          label={t('customers.sales.number')}
          value={number}
          onChange={(e) => filtered(() => setNumber(e.currentTarget.value))}
        />
      </Group>
      <ErrorAlert error={list.error} />
      {list.data && (
        <>
          <Stack gap={2} role="status" aria-label={t('sales.totals')}>
            {list.data.totals.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('sales.none')}
              </Text>
            ) : (
              <SalesTotals page={list.data} />
            )}
          </Stack>
          {list.data.items.length > 0 && <SalesTable page={list.data} withCustomer />}
          {list.data.next && PAGE * pages < 500 && (
            <Button variant="default" onClick={() => setPages(pages + 1)} loading={list.isFetching}>
              {t('sales.more')}
            </Button>
          )}
        </>
      )}
    </Stack>
  );
}
