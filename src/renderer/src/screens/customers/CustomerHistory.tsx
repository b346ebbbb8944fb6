// A customer's events as a timeline: who changed what, when.
import { Text, Timeline } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Output } from '../../../../shared/contract';
import { call } from '../../lib/api';

type Entry = Output<'customers.history'>[number];

function describe(value: unknown, empty: string): string {
  if (value === null || value === undefined || value === '') return empty;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function CustomerHistory({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const [entries, setEntries] = useState<Entry[] | null>(null);
  useEffect(() => {
    call('customers.history', { id }).then(setEntries, () => setEntries([]));
  }, [id]);
  if (!entries) return null;
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <Timeline bulletSize={14} lineWidth={2} aria-label={t('history.title')}>
      {[...entries].reverse().map((entry) => (
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
            .map(([field, v]) => (
              <Text size="sm" key={field}>
                {field === 'personal' ? t('history.personal') : t(`customers.fields.${field}`)}:{' '}
                {describe(v, t('history.empty'))}
              </Text>
            ))}
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
