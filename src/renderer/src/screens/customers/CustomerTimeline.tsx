// A customer's timeline: calls, meetings, emails, notes and tasks together with the customer's own
// events, newest first, and a form to record a new activity. Tasks are ticked done right here.
import {
  Badge,
  Button,
  Checkbox,
  Group,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
  Textarea,
  Timeline,
} from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { activityKinds, type Activity, type ActivityKind, type Customer } from '../../../../shared/contract';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormError } from '../../components/FormError';
import { useCan } from '../../lib/auth';
import { useChange, useProcedure } from '../../lib/query';
import { useContractForm } from '../../lib/use-contract-form';
import { historyItem, type HistoryEntry } from './history-items';

interface LogValues {
  [field: string]: unknown;
  kind: ActivityKind;
  subject: string;
  body: string;
  dueDate: string;
  assigneeId: string;
}
const EMPTY_LOG: LogValues = { kind: 'call', subject: '', body: '', dueDate: '', assigneeId: '' };

function LogActivity({ customer }: { customer: Customer }) {
  const { t } = useTranslation();
  const owners = useProcedure('customers.owners', {});
  const log = useChange('activities.log');
  const state = useContractForm({
    procedure: 'activities.log',
    initialValues: EMPTY_LOG,
    toInput: (values) => ({
      customerId: customer.id,
      fields: {
        kind: values.kind,
        subject: values.subject,
        body: values.body.trim() || null,
        ...(values.kind === 'task' && {
          dueDate: values.dueDate || null,
          assigneeId: values.assigneeId || null,
        }),
      },
    }),
    onSubmit: async (input) => {
      await log.mutateAsync(input);
      state.form.setValues({ subject: '', body: '', dueDate: '', assigneeId: '' });
    },
  });
  const task = state.values.kind === 'task';
  return (
    <form onSubmit={state.submit} noValidate aria-label={t('activities.log')}>
      <Stack gap="xs">
        <SegmentedControl
          aria-label={t('activities.kind')}
          data={activityKinds.map((kind) => ({ value: kind, label: t(`activities.kinds.${kind}`) }))}
          {...state.field('kind')}
        />
        <TextInput label={t('activities.subject')} required {...state.field('subject')} />
        <Textarea label={t('activities.body')} autosize minRows={2} {...state.field('body')} />
        {task && (
          <Group grow>
            <TextInput label={t('activities.dueDate')} type="date" {...state.field('dueDate')} />
            <Select
              label={t('activities.assignee')}
              clearable
              searchable
              data={(owners.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
              {...state.field('assigneeId')}
            />
          </Group>
        )}
        <FormError message={state.formError} />
        <Group justify="flex-end">
          <Button type="submit" size="xs" loading={state.busy}>
            {t('activities.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function activityItem(
  activity: Activity,
  t: TFunction,
  format: Intl.DateTimeFormat,
  names: ReadonlyMap<string, string>,
  complete: ((activity: Activity, done: boolean) => void) | null,
) {
  const subject = activity.subject === '[erased]' ? t('privacy.erased') : activity.subject;
  return (
    <Timeline.Item
      key={`activity-${activity.id}`}
      title={
        <Group gap="xs">
          <Badge size="xs" variant="light">
            {t(`activities.kinds.${activity.kind}`)}
          </Badge>
          {activity.kind === 'task' ? (
            <Checkbox
              size="xs"
              label={subject}
              checked={activity.doneAt !== null}
              disabled={!complete}
              onChange={(event) => complete?.(activity, event.currentTarget.checked)}
            />
          ) : (
            <Text size="sm" fw={500}>
              {subject}
            </Text>
          )}
        </Group>
      }
      data-testid="activity-entry"
    >
      <Text size="xs" c="dimmed">
        {format.format(new Date(activity.occurredAt))}
        {activity.createdBy ? ` · ${names.get(activity.createdBy) ?? t('history.unknownUser')}` : ''}
        {activity.dueDate ? ` · ${t('activities.due', { date: activity.dueDate })}` : ''}
        {activity.assigneeId ? ` · ${names.get(activity.assigneeId) ?? t('history.unknownUser')}` : ''}
      </Text>
      {activity.body && (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {activity.body}
        </Text>
      )}
    </Timeline.Item>
  );
}

export function CustomerTimeline({ customer }: { customer: Customer }) {
  const { t, i18n } = useTranslation();
  const canWrite = useCan('customers.write') && customer.erasedAt === null;
  const activities = useProcedure('activities.list', { customerId: customer.id });
  const history = useProcedure('customers.history', { id: customer.id });
  const owners = useProcedure('customers.owners', {});
  const completing = useChange('activities.complete');
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const names = new Map((owners.data ?? []).map((u) => [u.id, u.name]));
  const complete = canWrite
    ? (activity: Activity, done: boolean) =>
        completing.mutate({ id: activity.id, done, expectedVersion: activity.version })
    : null;
  const items: { at: string; node: ReturnType<typeof historyItem> }[] = [
    ...(activities.data ?? []).map((a) => ({ at: a.occurredAt, node: activityItem(a, t, format, names, complete) })),
    ...(history.data ?? []).map((e: HistoryEntry) => ({ at: e.at, node: historyItem(e, t, format) })),
  ].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return (
    <Stack>
      {canWrite && <LogActivity customer={customer} />}
      <ErrorAlert error={activities.error ?? history.error ?? completing.error} />
      <Timeline bulletSize={14} lineWidth={2} aria-label={t('activities.timeline')}>
        {items.map((item) => item.node)}
      </Timeline>
    </Stack>
  );
}
