// The one list of the admin panels: a toolbar, the panel's error (translated, closable), and a
// table whose rows carry their actions. Each panel says only what its columns and actions are.
import { Group, Stack, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { ErrorAlert } from './ErrorAlert';

export interface AdminColumn<T> {
  readonly header: string;
  readonly cell: (row: T) => ReactNode;
}

export interface AdminListProps<T> {
  /** The table's accessible name. */
  readonly label: string;
  readonly rows: readonly T[] | undefined;
  readonly rowKey: (row: T) => string | number;
  readonly columns: readonly AdminColumn<T>[];
  /** Buttons of one row (edit, delete …), right-aligned in the last column. */
  readonly actions?: (row: T) => ReactNode;
  /** Buttons above the table (new …), right-aligned. */
  readonly toolbar?: ReactNode;
  readonly error?: unknown;
  readonly onDismissError?: () => void;
  /** Shown instead of an empty table. */
  readonly empty?: string;
  readonly rowTestId?: string;
}

export function AdminList<T>({
  label,
  rows,
  rowKey,
  columns,
  actions,
  toolbar,
  error,
  onDismissError,
  empty,
  rowTestId,
}: AdminListProps<T>) {
  return (
    <Stack>
      {toolbar && <Group justify="flex-end">{toolbar}</Group>}
      <ErrorAlert error={error} {...(onDismissError && { onClose: onDismissError })} />
      <Table striped aria-label={label} aria-busy={rows === undefined}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((column) => (
              <Table.Th key={column.header}>{column.header}</Table.Th>
            ))}
            {actions && <Table.Th />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows?.map((row) => (
            <Table.Tr key={rowKey(row)} {...(rowTestId && { 'data-testid': rowTestId })}>
              {columns.map((column) => (
                <Table.Td key={column.header}>{column.cell(row)}</Table.Td>
              ))}
              {actions && (
                <Table.Td>
                  <Group gap={4} justify="flex-end" wrap="nowrap">
                    {actions(row)}
                  </Group>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {rows?.length === 0 && empty && <Text c="dimmed">{empty}</Text>}
    </Stack>
  );
}
