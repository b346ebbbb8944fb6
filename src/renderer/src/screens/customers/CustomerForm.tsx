// Create or edit one customer. The form checks the input with the contract's own schema before
// sending (the same field errors the main process would return); the main process stays the
// authority and its field errors land on the same fields. Closing with unsaved input asks first.
import { Alert, Button, Center, Group, Loader, Modal, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { customerFieldsSchema, type Customer } from '../../../../shared/contract';
import { DiscardPrompt } from '../../components/DiscardPrompt';
import { ErrorAlert } from '../../components/ErrorAlert';
import { isAppError } from '../../lib/api';
import { useCan } from '../../lib/auth';
import { contractValidator, fieldErrors } from '../../lib/field-errors';
import { notifySuccess } from '../../lib/notify';
import { useChange, useProcedure } from '../../lib/query';
import { useGuardedClose } from '../../lib/use-guarded-close';
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

/** Empty optional fields are sent as null, so clearing a field clears it. */
export function toInput(values: Values) {
  const optional = (v: string) => (v.trim() === '' ? null : v);
  return {
    name: values.name,
    email: optional(values.email),
    phone: optional(values.phone),
    city: optional(values.city),
    notes: optional(values.notes),
  };
}

/** Only the fields the user changed (the main process ignores unchanged ones too). */
export function changedFields(values: Values, customer: Customer) {
  const all = toInput(values);
  const before = toInput(initialValues(customer));
  return Object.fromEntries(
    (Object.keys(all) as Field[]).filter((field) => all[field] !== before[field]).map((field) => [field, all[field]]),
  );
}

/** The dialog at #/customers/ID (or #/customers/new): loads the customer, then shows the form. */
export function CustomerDialog({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation();
  const isNew = id === 'new';
  const loaded = useProcedure('customers.get', { id }, { enabled: !isNew });
  if (isNew) return <CustomerForm customer={null} onClose={onClose} />;
  if (loaded.data) return <CustomerForm key={loaded.data.id} customer={loaded.data} onClose={onClose} />;
  return (
    <Modal opened onClose={onClose} title={t('customers.edit')} size="lg">
      {loaded.error ? (
        isAppError(loaded.error) && loaded.error.code === 'not_found' ? (
          <Alert color="gray">{t('customers.notFound')}</Alert>
        ) : (
          <ErrorAlert error={loaded.error} />
        )
      ) : (
        <Center>
          <Loader aria-label={t('app.loading')} />
        </Center>
      )}
    </Modal>
  );
}

export interface CustomerFormProps {
  readonly customer: Customer | null;
  readonly onClose: () => void;
}

export function CustomerForm({ customer, onClose }: CustomerFormProps) {
  const { t, i18n } = useTranslation();
  const canWrite = useCan('customers.write');
  const canGdpr = useCan('gdpr.manage');
  const erased = customer?.erasedAt ?? null;
  const readOnly = erased !== null || !canWrite;
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' });
  const form = useForm<Values>({
    mode: 'controlled',
    // An erased customer's name reads as the marker in the user's language.
    initialValues: { ...initialValues(customer), ...(erased && { name: t('privacy.erased') }) },
    validate: contractValidator(customerFieldsSchema, toInput, t),
  });
  const create = useChange('customers.create');
  const update = useChange('customers.update');
  const [formError, setFormError] = useState<unknown>(null);
  const [conflict, setConflict] = useState(false);
  const guard = useGuardedClose(() => !readOnly && form.isDirty(), onClose);

  async function save(values: Values) {
    setFormError(null);
    try {
      const saved = customer
        ? await update.mutateAsync({
            id: customer.id,
            expectedVersion: customer.version,
            changes: changedFields(values, customer),
          })
        : await create.mutateAsync(toInput(values));
      notifySuccess(t(customer ? 'customers.saved' : 'customers.created', { name: saved.name }));
      onClose();
    } catch (error) {
      if (isAppError(error) && error.code === 'validation' && error.details?.issues?.length) {
        form.setErrors(fieldErrors(error, t));
      } else if (isAppError(error) && error.code === 'conflict') setConflict(true);
      else setFormError(error);
    }
  }

  const input = (field: Field) => ({
    label: t(`customers.fields.${field}`),
    name: field,
    readOnly,
    ...form.getInputProps(field),
  });

  const title = customer ? t('customers.edit') : t('customers.new');
  return (
    <Modal opened onClose={guard.request} title={title} size="lg">
      <form onSubmit={form.onSubmit((values) => void save(values))} noValidate aria-label={title}>
        <Stack>
          {guard.asking && <DiscardPrompt onDiscard={guard.discard} onKeep={guard.keepEditing} />}
          <ErrorAlert error={formError} />
          {conflict && (
            <Alert color="yellow" role="alert">
              {t('customers.conflict')}
            </Alert>
          )}
          {erased && <Alert color="gray">{t('privacy.erasedOn', { date: format.format(new Date(erased)) })}</Alert>}
          {!erased && !canWrite && <Alert color="gray">{t('customers.readOnly')}</Alert>}
          <TextInput {...input('name')} required={!readOnly} data-autofocus />
          <TextInput {...input('email')} type="email" />
          <Group grow>
            <TextInput {...input('phone')} type="tel" />
            <TextInput {...input('city')} />
          </Group>
          <Textarea {...input('notes')} autosize minRows={3} />
          {customer && canGdpr && <CustomerGdpr customer={customer} onErased={onClose} />}
          {customer && (
            <Stack gap="xs">
              <Text fw={600}>{t('history.title')}</Text>
              <CustomerHistory id={customer.id} />
            </Stack>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={guard.request}>
              {readOnly ? t('common.close') : t('customers.cancel')}
            </Button>
            {!readOnly && (
              <Button type="submit" loading={create.isPending || update.isPending}>
                {t('customers.save')}
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
