// Sales documents as a table, and their totals as the books have them: on a customer's sales tab
// and in the sales list (there with the customer of each document, one click away).
import { Anchor, Badge, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { ReactNode } from 'react';
import type { Sale, SalePage } from '../../../../shared/contract';
import { paths } from '../../app/route';

export function useSaleFormats() {
  const { i18n } = useTranslation();
  const language = i18n.language;
  return {
    money: (cents: number, currency: string) =>
      new Intl.NumberFormat(language, { style: 'currency', currency }).format(cents / 100),
    day: (date: string) =>
      new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`)),
  };
}

export function SalesTable({
  page,
  withCustomer,
  actions,
}: {
  page: SalePage;
  withCustomer: boolean;
  /** What can be done with a document (a menu), when the user may change documents. */
  actions?: ((sale: Sale) => ReactNode) | undefined;
}) {
  const { t } = useTranslation();
  const f = useSaleFormats();
  const right = { textAlign: 'right' } as const;
  return (
    <Table aria-label={t('customers.sales.title')} highlightOnHover>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('customers.sales.date')}</Table.Th>
          <Table.Th>{t('customers.sales.number')}</Table.Th>
          {withCustomer && <Table.Th>{t('analytics.customer')}</Table.Th>}
          <Table.Th>{t('customers.sales.kind')}</Table.Th>
          <Table.Th>{t('customers.sales.status')}</Table.Th>
          <Table.Th style={right}>{t('customers.sales.net')}</Table.Th>
          <Table.Th style={right}>{t('customers.sales.gross')}</Table.Th>
          {actions && <Table.Th aria-label={t('sales.actionsColumn')} />}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {page.items.map((sale) => {
          const customer = page.customers[sale.customerId];
          return (
            <Table.Tr key={sale.id} data-testid="sale-row">
              <Table.Td>{f.day(sale.date)}</Table.Td>
              <Table.Td>{sale.number ?? '—'}</Table.Td>
              {withCustomer && (
                <Table.Td>
                  <Anchor component={Link} href={paths.customer(sale.customerId)}>
                    {customer ? `${customer.number} ${customer.name}` : '—'}
                  </Anchor>
                </Table.Td>
              )}
              <Table.Td>{t(`customers.sales.kinds.${sale.kind}`)}</Table.Td>
              <Table.Td>
                <Badge
                  variant="light"
                  color={sale.status === 'cancelled' ? 'gray' : sale.status === 'paid' ? 'teal' : 'blue'}
                >
                  {t(`customers.sales.statuses.${sale.status}`)}
                </Badge>
              </Table.Td>
              <Table.Td style={right}>{f.money(sale.net, sale.currency)}</Table.Td>
              <Table.Td style={right}>{f.money(sale.gross, sale.currency)}</Table.Td>
              {actions && <Table.Td>{actions(sale)}</Table.Td>}
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

export function SalesTotals({ page }: { page: SalePage }) {
  const { t } = useTranslation();
  const f = useSaleFormats();
  return page.totals.map((total) => (
    <Text key={`${total.kind}-${total.currency}`} size="sm">
      {t('customers.sales.total', {
        kind: t(`customers.sales.totals.${total.kind}`),
        count: total.count,
        net: f.money(total.net, total.currency),
        gross: f.money(total.gross, total.currency),
      })}
    </Text>
  ));
}
