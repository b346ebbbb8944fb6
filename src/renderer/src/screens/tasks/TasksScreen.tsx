// "My open tasks": the tasks assigned to the signed-in user across all customers, soonest due
// first. Ticking one marks it done (it then leaves the list); the customer opens from its link.
import { Anchor, Badge, Checkbox, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { paths } from '../../app/route';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useCan } from '../../lib/auth';
import { useChange, useProcedure } from '../../lib/query';

/** Today as YYYY-MM-DD in the user's time zone (due dates are days, not instants). */
function today(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

export function TasksScreen() {
  const { t, i18n } = useTranslation();
  const canWrite = useCan('customers.write');
  const tasks = useProcedure('activities.myTasks', {});
  const completing = useChange('activities.complete');
  const day = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeZone: 'UTC' });
  const list = tasks.data ?? [];
  const now = today();
  return (
    <Stack>
      <Title order={2}>{t('tasks.title')}</Title>
      <ErrorAlert error={tasks.error ?? completing.error} />
      {tasks.data && (
        <Text c="dimmed" size="sm" role="status">
          {list.length === 0 ? t('tasks.none') : t('tasks.count', { count: list.length })}
        </Text>
      )}
      {list.length > 0 && (
        <Table aria-label={t('tasks.title')} highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('tasks.done')}</Table.Th>
              <Table.Th>{t('tasks.due')}</Table.Th>
              <Table.Th>{t('tasks.subject')}</Table.Th>
              <Table.Th>{t('tasks.customer')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((task) => (
              <Table.Tr key={task.id} data-testid="task-row">
                <Table.Td>
                  <Checkbox
                    aria-label={`${t('tasks.done')}: ${task.subject}`}
                    disabled={!canWrite || completing.isPending}
                    // Ticked while it is being saved; then the task leaves the list.
                    checked={completing.isPending && completing.variables.id === task.id}
                    onChange={() => completing.mutate({ id: task.id, done: true, expectedVersion: task.version })}
                  />
                </Table.Td>
                <Table.Td>
                  {task.dueDate ? day.format(new Date(`${task.dueDate}T00:00:00Z`)) : t('tasks.noDate')}{' '}
                  {task.dueDate && task.dueDate < now && (
                    <Badge color="red" size="xs" variant="light">
                      {t('tasks.overdue')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {task.subject}
                  </Text>
                  {task.body && (
                    <Text size="xs" c="dimmed" lineClamp={2}>
                      {task.body}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Anchor component={Link} href={paths.customer(task.customerId)} size="sm">
                    {task.customerNumber} {task.customerName}
                  </Anchor>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
