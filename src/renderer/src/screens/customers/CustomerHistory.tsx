// A customer's events as a timeline: who changed what, when, each change as old → new.
import { Text, Timeline } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ERASURE_MARKER, type CustomerFields } from '../../../../shared/contract';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useProcedure } from '../../lib/query';

type FieldName = keyof CustomerFields;
const fieldNames: readonly string[] = ['name', 'email', 'phone', 'city', 'notes'] satisfies FieldName[];

function shown(value: unknown, empty: string, erased: string): string {
  if (value === null || value === undefined || value === '') return empty;
  if (value === ERASURE_MARKER) return erased;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function CustomerHistory({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const history = useProcedure('customers.history', { id });
  if (history.error) return <ErrorAlert error={history.error} />;
  if (!history.data) return null;
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const label = (field: string) =>
    fieldNames.includes(field) ? t(`customers.fields.${field as FieldName}`) : t('history.personal');
  const empty = t('history.empty');
  const erased = t('privacy.erased');
  return (
    <Timeline bulletSize={14} lineWidth={2} aria-label={t('history.title')}>
      {[...history.data].reverse().map((entry) => (
        <Timeline.Item
          key={entry.version}
          title={
            entry.type === 'customer.created'
              ? t('history.created')
              : entry.type === 'customer.erased'
                ? t('history.erased')
                : t('history.changed')
          }
          data-testid="history-entry"
        >
          <Text size="xs" c="dimmed">
            {format.format(new Date(entry.at))} · {entry.userName ?? t('history.unknownUser')}
          </Text>
          {Object.entries(entry.changes)
            .filter(([, v]) => entry.type !== 'customer.created' || (v !== null && v !== ''))
            .map(([field, after]) => (
              <Text size="sm" key={field}>
                {entry.type === 'customer.created'
                  ? `${label(field)}: ${shown(after, empty, erased)}`
                  : t('history.change', {
                      field: label(field),
                      before: shown(entry.before[field], empty, erased),
                      after: shown(after, empty, erased),
                    })}
              </Text>
            ))}
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
