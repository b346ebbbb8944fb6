// Create or edit one customer. Validation runs in the main process; its field errors show here.
import { Alert, Button, Group, Modal, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import type { Customer } from '../../../../shared/contract';
import { call, isAppError } from '../../lib/api';
import { fieldErrors } from '../../lib/field-errors';
import { useCan } from '../../lib/auth';
import { CustomerGdpr } from './CustomerGdpr';
import { CustomerHistory } from './CustomerHistory';

type Field = 'name' | 'email' | 'phone' | 'city' | 'notes';
type Values = Record<Field, string>;

function initialValues(customer: Customer | null): Values {
  return {
    name: customer?.name ?? '',
    email: customer?.email ?? '',
    phone: customer?.phone ?? '',
    city: customer?.city ?? '',
    notes: customer?.notes ?? '',
  };
}

/** Only the fields the user changed (the main process ignores unchanged ones too). */
function changedFields(values: Values, customer: Customer) {
  const all = toInput(values);
  const before = toInput(initialValues(customer));
  return Object.fromEntries(
    (Object.keys(all) as Field[]).filter((field) => all[field] !== before[field]).map((field) => [field, all[field]]),
  );
}

/** Empty optional fields are sent as null, so clearing a field clears it. */
function toInput(values: Values) {
  const optional = (v: string) => (v.trim() === '' ? null : v);
  return {
    name: values.name,
    email: optional(values.email),
    phone: optional(values.phone),
    city: optional(values.city),
    notes: optional(values.notes),
  };
}

export interface CustomerFormProps {
  readonly customer: Customer | null;
  readonly onClose: () => void;
  readonly onSaved: (customer: Customer, created: boolean) => void;
}

export function CustomerForm({ customer, onClose, onSaved }: CustomerFormProps) {
  const { t, i18n } = useTranslation();
  const canGdpr = useCan('gdpr.manage');
  const erased = customer?.erasedAt ?? null;
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' });
  const [values, setValues] = useState<Values>(() => initialValues(customer));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setErrors({});
    setFormError(null);
    try {
      const saved = customer
        ? await call('customers.update', {
            id: customer.id,
            expectedVersion: customer.version,
            changes: changedFields(values, customer),
          })
        : await call('customers.create', toInput(values));
      onSaved(saved, customer === null);
    } catch (error) {
      if (isAppError(error) && error.code === 'validation') setErrors(fieldErrors(error, t));
      else if (isAppError(error) && error.code === 'conflict') setFormError(t('customers.conflict'));
      else setFormError(t('errors.generic', { message: (error as Error).message }));
    } finally {
      setSaving(false);
    }
  }

  const input = (field: Field) => ({
    label: t(`customers.fields.${field}`),
    name: field,
    value: values[field],
    error: errors[field],
    onChange: (e: { currentTarget: { value: string } }) => {
      const value = e.currentTarget.value;
      setValues((v) => ({ ...v, [field]: value }));
    },
  });

  return (
    <Modal opened onClose={onClose} title={customer ? t('customers.edit') : t('customers.new')} size="lg">
      <form onSubmit={submit} noValidate aria-label={customer ? t('customers.edit') : t('customers.new')}>
        <Stack>
          <FormError message={formError} />
          {erased && <Alert color="gray">{t('privacy.erasedOn', { date: format.format(new Date(erased)) })}</Alert>}
          <fieldset disabled={erased !== null} style={{ border: 0, padding: 0, margin: 0 }}>
            <Stack>
              <TextInput {...input('name')} required data-autofocus />
              <TextInput {...input('email')} type="email" />
              <Group grow>
                <TextInput {...input('phone')} type="tel" />
                <TextInput {...input('city')} />
              </Group>
              <Textarea {...input('notes')} autosize minRows={3} />
            </Stack>
          </fieldset>
          {customer && canGdpr && <CustomerGdpr customer={customer} onErased={(c) => onSaved(c, false)} />}
          {customer && (
            <Stack gap="xs">
              <Text fw={600}>{t('history.title')}</Text>
              <CustomerHistory id={customer.id} />
            </Stack>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('customers.cancel')}
            </Button>
            {erased === null && (
              <Button type="submit" loading={saving}>
                {t('customers.save')}
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
