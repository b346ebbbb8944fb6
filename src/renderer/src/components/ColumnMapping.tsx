// Which field each column of a file to import fills: per column its header, an example value from
// the first row and a choice of field ("not imported" included). The customer and the transaction
// imports show it alike; the caller keeps the mapping.
import { ScrollArea, Select, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export interface ColumnMappingProps<F extends string> {
  readonly inspection: { readonly header: readonly string[]; readonly preview: readonly (readonly string[])[] };
  readonly mapping: Readonly<Partial<Record<string, F | null>>>;
  readonly fields: readonly { readonly value: F; readonly label: string }[];
  readonly onChange: (column: string, field: F | null) => void;
}

export function ColumnMapping<F extends string>({ inspection, mapping, fields, onChange }: ColumnMappingProps<F>) {
  const { t } = useTranslation();
  const options = [{ value: '', label: t('customers.import.notImported') }, ...fields];
  return (
    <ScrollArea.Autosize mah={320}>
      <Table aria-label={t('customers.import.mapping')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('customers.import.column')}</Table.Th>
            <Table.Th>{t('customers.import.example')}</Table.Th>
            <Table.Th>{t('customers.import.field')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {inspection.header.map((column, index) =>
            column === '' ? null : (
              <Table.Tr key={`${column}-${index}`}>
                <Table.Td>{column}</Table.Td>
                <Table.Td>
                  <Text size="sm" c="dimmed" lineClamp={1}>
                    {inspection.preview[0]?.[index] ?? ''}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Select
                    aria-label={t('customers.import.fieldFor', { column })}
                    data={options}
                    value={mapping[column] ?? ''}
                    allowDeselect={false}
                    searchable
                    onChange={(value) => onChange(column, value ? (value as F) : null)}
                  />
                </Table.Td>
              </Table.Tr>
            ),
          )}
        </Table.Tbody>
      </Table>
    </ScrollArea.Autosize>
  );
}
