// A customer's events as timeline items: who changed what, when, each change as old → new.
import { Text, Timeline } from '@mantine/core';
import type { TFunction } from 'i18next';
import { ERASURE_MARKER, type Output } from '../../../../shared/contract';

/** The label of a field an event changed; the fields a person is never shown as one word. */
function labelOf(field: string, t: TFunction): string {
  const labels: Record<string, string> = {
    name: t('customers.fields.name'),
    firstName: t('customers.fields.firstName'),
    lastName: t('customers.fields.lastName'),
    kind: t('customers.fields.kind'),
    legalForm: t('customers.fields.legalForm'),
    vatId: t('customers.fields.vatId'),
    taxNumber: t('customers.fields.taxNumber'),
    email: t('customers.fields.email'),
    phone: t('customers.fields.phone'),
    mobile: t('customers.fields.mobile'),
    fax: t('customers.fields.fax'),
    website: t('customers.fields.website'),
    billingAddress: t('customers.sections.billing'),
    shippingAddress: t('customers.sections.shipping'),
    bankAccount: t('customers.sections.bank'),
    paymentTerms: t('customers.sections.terms'),
    creditLimit: t('customers.fields.creditLimit'),
    currency: t('customers.fields.currency'),
    language: t('customers.fields.language'),
    tags: t('customers.fields.tags'),
    notes: t('customers.fields.notes'),
    number: t('customers.columns.number'),
    status: t('customers.columns.status'),
    reason: t('history.reason'),
  };
  return labels[field] ?? t('history.personal');
}

function shown(value: unknown, empty: string, erased: string): string {
  if (value === null || value === undefined || value === '') return empty;
  if (value === ERASURE_MARKER) return erased;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.length === 0 ? empty : value.join(', ');
  if (typeof value === 'object' && value !== null) {
    const parts = Object.values(value).filter((v) => v !== null && v !== '');
    return parts.length === 0 ? empty : parts.map((v) => shown(v, empty, erased)).join(', ');
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : empty;
}

export type HistoryEntry = Output<'customers.history'>[number];

/**
 * One of the customer's events as a timeline item (a function, not a component: Mantine's
 * Timeline hands its own props to its direct children).
 */
export function historyItem(entry: HistoryEntry, t: TFunction, format: Intl.DateTimeFormat) {
  const label = (field: string) => labelOf(field, t);
  const empty = t('history.empty');
  const erased = t('privacy.erased');
  return (
    <Timeline.Item
      key={`event-${entry.position}`}
      title={
        entry.type === 'customer.created'
          ? t('history.created')
          : entry.type === 'customer.erased'
            ? t('history.erased')
            : entry.type === 'customer.absorbed'
              ? t('history.absorbed', {
                  number: typeof entry.changes['mergedNumber'] === 'string' ? entry.changes['mergedNumber'] : '',
                })
              : entry.type === 'customer.merged'
                ? t('history.merged')
                : t('history.changed')
      }
      data-testid="history-entry"
    >
      <Text size="xs" c="dimmed">
        {format.format(new Date(entry.at))} · {entry.userName ?? t('history.unknownUser')}
        {entry.mergedFrom && ` · ${t('history.from', { number: entry.mergedFrom })}`}
      </Text>
      {Object.entries(entry.changes)
        .filter(([field]) => !field.startsWith('merged'))
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
  );
}
