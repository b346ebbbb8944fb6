// Create or edit one customer. The form checks the input with the contract's own schema before
// sending (the same field errors the main process would return); the main process stays the
// authority and its field errors land on the same fields. Closing with unsaved input asks first.
import {
  Alert,
  Badge,
  Button,
  Center,
  Checkbox,
  Fieldset,
  Group,
  Loader,
  Modal,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Tabs,
  TagsInput,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useReturnFocus } from '../../lib/use-return-focus';
import {
  customerCreateSchema,
  type Customer,
  type CustomerFields,
  type LikelyDuplicate,
} from '../../../../shared/contract';
import { printIban, printPhone } from '../../../../shared/identifiers';
import { countryChoices, currencyChoices, languageChoices } from '../../../../shared/reference-lists';
import { DiscardPrompt } from '../../components/DiscardPrompt';
import { ErrorAlert } from '../../components/ErrorAlert';
import { isAppError } from '../../lib/api';
import { useCan } from '../../lib/auth';
import { contractValidator, fieldErrors } from '../../lib/field-errors';
import { notifySuccess } from '../../lib/notify';
import { useChange, useProcedure } from '../../lib/query';
import { useGuardedClose } from '../../lib/use-guarded-close';
import { CustomerDelete } from './CustomerDelete';
import { CustomerGdpr } from './CustomerGdpr';
import { CustomerMerge } from './CustomerMerge';
import { CustomerContacts } from './CustomerContacts';
import { CustomerTimeline } from './CustomerTimeline';
import { CustomerSales } from './CustomerSales';
import { CustomerStatusMove } from './CustomerStatusMove';

/** The form's fields, flat; toInput() shapes them into the contract's record. */
export interface Values {
  kind: 'company' | 'person';
  name: string;
  firstName: string;
  lastName: string;
  legalForm: string;
  vatId: string;
  taxNumber: string;
  email: string;
  phone: string;
  mobile: string;
  fax: string;
  website: string;
  billingStreet: string;
  billingPostalCode: string;
  billingCity: string;
  billingCountry: string;
  shipsElsewhere: boolean;
  shippingStreet: string;
  shippingPostalCode: string;
  shippingCity: string;
  shippingCountry: string;
  iban: string;
  bic: string;
  accountHolder: string;
  paymentDays: string;
  discountPercent: string;
  discountDays: string;
  creditLimit: string;
  currency: string;
  language: string;
  tags: string[];
  notes: string;
  ownerId: string;
}

const place = (address: Customer['billingAddress']) => ({
  street: address?.street ?? '',
  postalCode: address?.postalCode ?? '',
  city: address?.city ?? '',
  country: address?.country ?? '',
});

export function initialValues(customer: Customer | null, homeCountry = 'DE'): Values {
  const billing = place(customer?.billingAddress ?? null);
  const shipping = place(customer?.shippingAddress ?? null);
  const country = billing.country || homeCountry;
  const phone = (e164: string | null | undefined) => (e164 ? printPhone(e164, country) : '');
  const terms = customer?.paymentTerms;
  return {
    kind: customer?.kind ?? 'company',
    name: customer?.kind === 'person' ? '' : (customer?.name ?? ''),
    firstName: customer?.firstName ?? '',
    lastName: customer?.lastName ?? '',
    legalForm: customer?.legalForm ?? '',
    vatId: customer?.vatId ?? '',
    taxNumber: customer?.taxNumber ?? '',
    email: customer?.email ?? '',
    phone: phone(customer?.phone),
    mobile: phone(customer?.mobile),
    fax: phone(customer?.fax),
    website: customer?.website ?? '',
    billingStreet: billing.street,
    billingPostalCode: billing.postalCode,
    billingCity: billing.city,
    billingCountry: customer ? billing.country : homeCountry,
    shipsElsewhere: customer?.shippingAddress != null,
    shippingStreet: shipping.street,
    shippingPostalCode: shipping.postalCode,
    shippingCity: shipping.city,
    shippingCountry: shipping.country,
    iban: customer?.bankAccount ? printIban(customer.bankAccount.iban) : '',
    bic: customer?.bankAccount?.bic ?? '',
    accountHolder: customer?.bankAccount?.holder ?? '',
    paymentDays: terms ? String(terms.days) : '',
    discountPercent: terms ? String(terms.discountPercent) : '',
    discountDays: terms ? String(terms.discountDays) : '',
    creditLimit: customer?.creditLimit != null ? String(customer.creditLimit / 100) : '',
    currency: customer?.currency ?? 'EUR',
    language: customer?.language ?? '',
    tags: customer?.tags ?? [],
    notes: customer?.notes ?? '',
    ownerId: customer?.ownerId ?? '',
  };
}

const optional = (v: string) => (v.trim() === '' ? null : v.trim());
/** A number the user typed, with a decimal comma or point; NaN when it is not one (the schema says so). */
const numberOf = (v: string) => Number(v.trim().replace(',', '.'));

function address(street: string, postalCode: string, city: string, country: string) {
  const parts = {
    street: optional(street),
    postalCode: optional(postalCode),
    city: optional(city),
    country: optional(country),
  };
  return Object.values(parts).every((p) => p === null) ? null : parts;
}

/** The contract's input: empty optional fields as null, so clearing a field clears it; money in cents. */
export function toInput(values: Values): CustomerFields {
  const person = values.kind === 'person';
  const hasTerms = [values.paymentDays, values.discountPercent, values.discountDays].some((v) => v.trim() !== '');
  return {
    kind: values.kind,
    name: person ? null : values.name,
    firstName: person ? optional(values.firstName) : null,
    lastName: person ? optional(values.lastName) : null,
    legalForm: optional(values.legalForm),
    vatId: optional(values.vatId),
    taxNumber: optional(values.taxNumber),
    email: optional(values.email),
    phone: optional(values.phone),
    mobile: optional(values.mobile),
    fax: optional(values.fax),
    website: optional(values.website),
    billingAddress: address(values.billingStreet, values.billingPostalCode, values.billingCity, values.billingCountry),
    shippingAddress: values.shipsElsewhere
      ? address(values.shippingStreet, values.shippingPostalCode, values.shippingCity, values.shippingCountry)
      : null,
    bankAccount:
      values.iban.trim() === ''
        ? null
        : { iban: values.iban, bic: optional(values.bic), holder: optional(values.accountHolder) },
    paymentTerms: hasTerms
      ? {
          days: values.paymentDays.trim() === '' ? 0 : numberOf(values.paymentDays),
          discountPercent: values.discountPercent.trim() === '' ? 0 : numberOf(values.discountPercent),
          discountDays: values.discountDays.trim() === '' ? 0 : numberOf(values.discountDays),
        }
      : null,
    creditLimit: values.creditLimit.trim() === '' ? null : Math.round(numberOf(values.creditLimit) * 100),
    currency: values.currency,
    language: optional(values.language),
    tags: values.tags,
    notes: optional(values.notes),
    ownerId: optional(values.ownerId),
  };
}

/** Only the fields the user changed (the main process ignores unchanged ones too). */
export function changedFields(values: Values, customer: Customer): CustomerFields {
  const all = toInput(values);
  const before = toInput(initialValues(customer));
  return Object.fromEntries(
    Object.entries(all).filter(
      ([field, value]) => JSON.stringify(value) !== JSON.stringify(before[field as keyof CustomerFields]),
    ),
  );
}

/** The form field of an issue's path (`changes.billingAddress.city` → `billingCity`). */
export function fieldOf(path: string): string {
  const parts = path.replace(/^changes\./, '').split('.');
  const [head, tail] = parts;
  if ((head === 'billingAddress' || head === 'shippingAddress') && tail) {
    return `${head.replace('Address', '')}${tail.charAt(0).toUpperCase()}${tail.slice(1)}`;
  }
  if (head === 'bankAccount') return tail === 'holder' ? 'accountHolder' : (tail ?? 'iban');
  if (head === 'paymentTerms') return tail === 'days' ? 'paymentDays' : (tail ?? 'paymentDays');
  return head ?? '';
}

/** The dialog at #/customers/ID (or #/customers/new): loads the customer, then shows the form. */
export function CustomerDialog({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation();
  useReturnFocus();
  const isNew = id === 'new';
  const loaded = useProcedure('customers.get', { id }, { enabled: !isNew });
  if (isNew) return <CustomerForm customer={null} onClose={onClose} />;
  if (loaded.data) return <CustomerForm key={loaded.data.id} customer={loaded.data} onClose={onClose} />;
  return (
    <Modal
      opened
      onClose={onClose}
      title={t('customers.edit')}
      size="lg"
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
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
  const canDelete = useCan('customers.delete');
  const erased = customer?.erasedAt ?? null;
  const readOnly = erased !== null || !canWrite;
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' });
  const form = useForm<Values>({
    mode: 'controlled',
    // An erased customer's name reads as the marker in the user's language.
    initialValues: { ...initialValues(customer), ...(erased && { name: t('privacy.erased') }) },
    validate: contractValidator(customerCreateSchema, toInput, t, fieldOf),
  });
  const create = useChange('customers.create');
  const update = useChange('customers.update');
  const checkDuplicates = useChange('customers.duplicates');
  /** Likely duplicates of a new customer, shown once before it is saved (then Save saves anyway). */
  const [duplicates, setDuplicates] = useState<LikelyDuplicate[] | null>(null);
  const [formError, setFormError] = useState<unknown>(null);
  const [conflict, setConflict] = useState(false);
  const guard = useGuardedClose(() => !readOnly && form.isDirty(), onClose);

  async function save(values: Values) {
    setFormError(null);
    try {
      if (!customer && duplicates === null) {
        const found = await checkDuplicates.mutateAsync({ fields: toInput(values) });
        if (found.length > 0) {
          setDuplicates(found);
          return;
        }
      }
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
        form.setErrors(fieldErrors(error, t, fieldOf));
      } else if (isAppError(error) && error.code === 'conflict') setConflict(true);
      else setFormError(error);
    }
  }

  const input = (field: Exclude<keyof Values, 'shipsElsewhere' | 'tags' | 'kind'>) => ({
    label: t(`customers.fields.${field}`),
    name: field,
    readOnly,
    ...form.getInputProps(field),
  });
  const language = i18n.language.startsWith('de') ? 'de' : 'en';
  const choice = (field: 'billingCountry' | 'shippingCountry' | 'currency' | 'language') => ({
    ...input(field),
    searchable: true,
    clearable: field !== 'currency',
    data:
      field === 'currency'
        ? currencyChoices(language)
        : field === 'language'
          ? languageChoices(language)
          : countryChoices(language),
  });
  const owners = useProcedure('customers.owners', {});
  const ownerId = form.values.ownerId;
  const ownerChoice = {
    ...input('ownerId'),
    searchable: true,
    clearable: true,
    placeholder: t('customers.noOwner'),
    data: [
      ...(owners.data ?? []).map((u) => ({ value: u.id, label: `${u.name} (${u.email})` })),
      // An owner who left the company still shows as the owner until someone picks another.
      ...(ownerId && owners.data && !owners.data.some((u) => u.id === ownerId)
        ? [{ value: ownerId, label: t('customers.formerOwner') }]
        : []),
    ],
  };
  const addressFields = (side: 'billing' | 'shipping') => (
    <SimpleGrid cols={{ base: 1, sm: 2 }}>
      <TextInput {...input(`${side}Street` as const)} />
      <TextInput {...input(`${side}PostalCode` as const)} />
      <TextInput {...input(`${side}City` as const)} />
      <Select {...choice(`${side}Country` as const)} />
    </SimpleGrid>
  );
  const person = form.values.kind === 'person';

  const title = customer ? t('customers.edit') : t('customers.new');
  const details = (
    <form onSubmit={form.onSubmit((values) => void save(values))} noValidate aria-label={title}>
      <Stack>
        {guard.asking && <DiscardPrompt onDiscard={guard.discard} onKeep={guard.keepEditing} />}
        <ErrorAlert error={formError} />
        {conflict && (
          <Alert color="yellow" role="alert">
            {t('customers.conflict')}
          </Alert>
        )}
        {duplicates && duplicates.length > 0 && (
          <Alert color="yellow" role="alert" title={t('customers.duplicates.title')}>
            <Stack gap={4}>
              {duplicates.map((d) => (
                <Text size="sm" key={d.customer.id}>
                  {d.customer.number} {d.customer.name}
                  {d.customer.city ? `, ${d.customer.city}` : ''} (
                  {d.reasons.map((r) => t(`customers.duplicates.reasons.${r}`)).join(', ')})
                </Text>
              ))}
              <Text size="sm">{t('customers.duplicates.explain')}</Text>
            </Stack>
          </Alert>
        )}
        {erased && <Alert color="gray">{t('privacy.erasedOn', { date: format.format(new Date(erased)) })}</Alert>}
        {!erased && !canWrite && <Alert color="gray">{t('customers.readOnly')}</Alert>}
        {customer && (
          <Group gap="xs">
            <Badge variant="light">{customer.number}</Badge>
            <Badge variant="outline">{t(`customers.status.${customer.status}`)}</Badge>
            {canWrite && !erased && <CustomerStatusMove customer={customer} />}
          </Group>
        )}
        <SegmentedControl
          aria-label={t('customers.fields.kind')}
          readOnly={readOnly}
          data={[
            { value: 'company', label: t('customers.kinds.company') },
            { value: 'person', label: t('customers.kinds.person') },
          ]}
          {...form.getInputProps('kind')}
        />
        {person ? (
          <Group grow>
            <TextInput {...input('firstName')} data-autofocus />
            <TextInput {...input('lastName')} required={!readOnly} />
          </Group>
        ) : (
          <Group grow>
            <TextInput {...input('name')} required={!readOnly} data-autofocus />
            <TextInput {...input('legalForm')} />
          </Group>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput {...input('email')} type="email" />
          <TextInput {...input('website')} type="url" />
          <TextInput {...input('phone')} type="tel" />
          <TextInput {...input('mobile')} type="tel" />
          <TextInput {...input('fax')} type="tel" />
        </SimpleGrid>
        <Fieldset legend={t('customers.sections.billing')}>
          {addressFields('billing')}
          <Checkbox
            mt="sm"
            label={t('customers.fields.shipsElsewhere')}
            disabled={readOnly}
            {...form.getInputProps('shipsElsewhere', { type: 'checkbox' })}
          />
        </Fieldset>
        {form.values.shipsElsewhere && (
          <Fieldset legend={t('customers.sections.shipping')}>{addressFields('shipping')}</Fieldset>
        )}
        <Fieldset legend={t('customers.sections.tax')}>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput {...input('vatId')} description={t('customers.vatIdOffline')} />
            <TextInput {...input('taxNumber')} />
          </SimpleGrid>
        </Fieldset>
        <Fieldset legend={t('customers.sections.bank')}>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput {...input('iban')} />
            <TextInput {...input('bic')} />
            <TextInput {...input('accountHolder')} />
          </SimpleGrid>
        </Fieldset>
        <Fieldset legend={t('customers.sections.terms')}>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput {...input('paymentDays')} inputMode="numeric" />
            <TextInput {...input('discountPercent')} inputMode="decimal" />
            <TextInput {...input('discountDays')} inputMode="numeric" />
            <TextInput {...input('creditLimit')} inputMode="decimal" />
            <Select {...choice('currency')} />
            <Select {...choice('language')} />
          </SimpleGrid>
        </Fieldset>
        <TagsInput
          label={t('customers.fields.tags')}
          readOnly={readOnly}
          maxTags={20}
          {...form.getInputProps('tags')}
        />
        <Select {...ownerChoice} />
        <Textarea {...input('notes')} autosize minRows={3} />
        {customer && canGdpr && <CustomerGdpr customer={customer} onErased={onClose} />}
        <Group justify="flex-end">
          {customer && canDelete && !erased && <CustomerMerge customer={customer} onMerged={onClose} />}
          {customer && canDelete && <CustomerDelete customer={customer} onDeleted={onClose} />}
          <Button variant="default" onClick={guard.request}>
            {readOnly ? t('common.close') : t('customers.cancel')}
          </Button>
          {!readOnly && (
            <Button type="submit" loading={create.isPending || update.isPending || checkDuplicates.isPending}>
              {duplicates?.length ? t('customers.duplicates.saveAnyway') : t('customers.save')}
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
  return (
    <Modal
      opened
      onClose={guard.request}
      title={title}
      size="lg"
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {customer ? (
        // Panels stay mounted: switching tabs keeps unsaved input in the form.
        <Tabs defaultValue="details" keepMounted>
          <Tabs.List mb="md">
            <Tabs.Tab value="details">{t('customers.tabs.details')}</Tabs.Tab>
            {customer.kind === 'company' && <Tabs.Tab value="contacts">{t('contacts.title')}</Tabs.Tab>}
            <Tabs.Tab value="timeline">{t('activities.timeline')}</Tabs.Tab>
            <Tabs.Tab value="sales">{t('customers.sales.title')}</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="details">{details}</Tabs.Panel>
          {customer.kind === 'company' && (
            <Tabs.Panel value="contacts">
              <CustomerContacts customer={customer} />
            </Tabs.Panel>
          )}
          <Tabs.Panel value="timeline">
            <CustomerTimeline customer={customer} />
          </Tabs.Panel>
          <Tabs.Panel value="sales">
            <CustomerSales customer={customer} />
          </Tabs.Panel>
        </Tabs>
      ) : (
        details
      )}
    </Modal>
  );
}
