// The rows an import rejected, each with its row number, column and reason: the first `shown` of
// them (the import's summary says how many there are in all). The customer and the transaction
// imports show them alike.
import { ScrollArea, Table } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { RejectedRow } from '../../../shared/contract';

export function RejectedRows({ rows, label, shown }: { rows: readonly RejectedRow[]; label: string; shown: number }) {
  const { t } = useTranslation();
  if (rows.length === 0) return null;
  return (
    <ScrollArea.Autosize mah={240}>
      <Table aria-label={label} striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('customers.import.row')}</Table.Th>
            <Table.Th>{t('customers.import.column')}</Table.Th>
            <Table.Th>{t('customers.import.reason')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.slice(0, shown).map((problem, i) => (
            <Table.Tr key={`${problem.row}-${i}`}>
              <Table.Td>{problem.row}</Table.Td>
              <Table.Td>{problem.column ?? '—'}</Table.Td>
              <Table.Td>{problem.reason}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea.Autosize>
  );
}
