// Writing an order or an invoice for a customer: date, currency, lines (description, quantity,
// unit price, VAT rate), issued at once or kept as a draft. Totals are the main process's: it
// computes them from the lines (VAT per rate on the document), and the list shows them after saving.
// And the actions on a document: issue a draft, mark an invoice paid or open, reverse an issued
// invoice with a credit note, cancel a draft or an order.
import { ActionIcon, Button, Checkbox, Group, Menu, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Customer, Sale } from '../../../../shared/contract';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormModal } from '../../components/FormModal';
import { notifySuccess } from '../../lib/notify';
import { useChange } from '../../lib/query';
import { useContractForm } from '../../lib/use-contract-form';

interface LineValues {
  description: string;
  quantity: string;
  /** In the currency's units as typed: `12,50` or `12.50`. */
  price: string;
  /** Percent: 19, 7 or 0. */
  vat: string;
}

const VAT_RATES = ['19', '7', '0'];

/** Today as YYYY-MM-DD in the user's time zone. */
function today(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

/** A typed price in cents; NaN when it is not a price (the contract then names the field). */
export function centsOfTyped(text: string): number {
  const clean = text.replace(/[\s€$£]/g, '');
  const normal = /,\d{1,2}$/.test(clean) ? clean.replace(/\./g, '').replace(',', '.') : clean.replace(/,/g, '');
  if (!/^-?\d+(\.\d{1,2})?$/.test(normal)) return Number.NaN;
  const [whole = '0', fraction = ''] = normal.replace('-', '').split('.');
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return normal.startsWith('-') ? -cents : cents;
}

const emptyLine = (): LineValues => ({ description: '', quantity: '1', price: '', vat: '19' });

/** A price in cents as the form shows it: `1250` → `12.50`. */
const typedOfCents = (cents: number) => (cents / 100).toFixed(2);

export function SaleForm({
  customer,
  kind,
  draft,
  onClose,
}: {
  customer: Pick<Customer, 'id' | 'currency'>;
  kind: 'order' | 'invoice';
  /** A draft to change instead of a new document. */
  draft?: Sale;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const create = useChange('sales.create');
  const update = useChange('sales.update');
  const issueDraft = useChange('sales.issue');
  const state = useContractForm({
    procedure: 'sales.create',
    initialValues: {
      date: draft?.date ?? today(),
      currency: draft?.currency ?? customer.currency ?? 'EUR',
      issue: false,
      lines: draft
        ? draft.lines.map((line) => ({
            description: line.description,
            quantity: line.quantity,
            price: typedOfCents(line.unitPrice),
            vat: String(line.vatRate / 100),
          }))
        : [emptyLine()],
    },
    toInput: (values) => ({
      fields: {
        kind,
        customerId: customer.id,
        date: values.date.trim(),
        currency: values.currency.trim(),
        issue: values.issue,
        lines: values.lines.map((line) => ({
          description: line.description,
          quantity: line.quantity.trim().replace(',', '.'),
          unitPrice: centsOfTyped(line.price),
          vatRate: Math.round(Number(line.vat) * 100),
        })),
      },
    }),
    onSubmit: async (input) => {
      const { date, currency, lines, issue } = input.fields;
      let sale = draft
        ? await update.mutateAsync({ id: draft.id, expectedVersion: draft.version, changes: { date, currency, lines } })
        : await create.mutateAsync(input);
      if (draft && issue) sale = await issueDraft.mutateAsync({ id: sale.id, expectedVersion: sale.version });
      notifySuccess(t('sales.saved', { number: sale.number ?? t('customers.sales.statuses.draft') }));
      onClose();
    },
  });
  const { form } = state;
  return (
    <FormModal
      title={draft ? t('sales.edit', { kind: t(`customers.sales.kinds.${kind}`) }) : t(`sales.new.${kind}`)}
      state={state}
      onClose={onClose}
      size="xl"
    >
      <Group grow>
        <TextInput label={t('customers.sales.date')} required {...state.field('date')} data-autofocus />
        <TextInput label={t('sales.currency')} required {...state.field('currency')} />
      </Group>
      <Table aria-label={t('sales.lines')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('sales.description')}</Table.Th>
            <Table.Th>{t('sales.quantity')}</Table.Th>
            <Table.Th>{t('sales.unitPrice')}</Table.Th>
            <Table.Th>{t('sales.vat')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {form.values.lines.map((_, i) => (
            <Table.Tr key={i}>
              <Table.Td>
                <TextInput aria-label={t('sales.description')} {...form.getInputProps(`lines.${i}.description`)} />
              </Table.Td>
              <Table.Td w={90}>
                <TextInput aria-label={t('sales.quantity')} {...form.getInputProps(`lines.${i}.quantity`)} />
              </Table.Td>
              <Table.Td w={130}>
                <TextInput aria-label={t('sales.unitPrice')} {...form.getInputProps(`lines.${i}.price`)} />
              </Table.Td>
              <Table.Td w={100}>
                <Select
                  aria-label={t('sales.vat')}
                  data={[...new Set([...VAT_RATES, form.values.lines[i]?.vat ?? '19'])].map((rate) => ({
                    value: rate,
                    label: `${rate} %`,
                  }))}
                  allowDeselect={false}
                  {...form.getInputProps(`lines.${i}.vat`)}
                />
              </Table.Td>
              <Table.Td w={40}>
                {form.values.lines.length > 1 && (
                  <ActionIcon
                    variant="subtle"
                    aria-label={t('sales.removeLine')}
                    onClick={() => form.removeListItem('lines', i)}
                  >
                    ×
                  </ActionIcon>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group justify="space-between">
        <Button variant="default" size="xs" onClick={() => form.insertListItem('lines', emptyLine())}>
          {t('sales.addLine')}
        </Button>
        <Checkbox label={t('sales.issueNow')} {...state.checkbox('issue')} />
      </Group>
      <Text size="xs" c="dimmed">
        {t('sales.totalsNote')}
      </Text>
    </FormModal>
  );
}

type Action = 'edit' | 'issue' | 'paid' | 'unpaid' | 'credit' | 'cancel';

/** What can be done with a document now. */
export function actionsOf(sale: Sale): Action[] {
  const actions: Action[] = [];
  if (sale.status === 'draft') actions.push('edit', 'issue');
  if (sale.kind === 'invoice' && sale.status === 'issued') actions.push('paid');
  if (sale.kind === 'invoice' && sale.status === 'paid') actions.push('unpaid');
  if (sale.kind === 'invoice' && (sale.status === 'issued' || sale.status === 'paid') && !sale.reversedBy) {
    actions.push('credit');
  }
  if (sale.status === 'draft' || (sale.kind === 'order' && sale.status === 'issued')) actions.push('cancel');
  return actions;
}

/** The actions menu of one document; reversing and cancelling ask first. */
export function SaleActions({ sale }: { sale: Sale }) {
  const { t } = useTranslation();
  const issue = useChange('sales.issue');
  const setPaid = useChange('sales.setPaid');
  const credit = useChange('sales.credit');
  const cancel = useChange('sales.cancel');
  const [asking, setAsking] = useState<'credit' | 'cancel' | null>(null);
  const [editing, setEditing] = useState(false);
  const actions = actionsOf(sale);
  if (actions.length === 0) return null;
  const expectedVersion = sale.version;
  const run = (action: Action) => {
    if (action === 'edit') setEditing(true);
    else if (action === 'issue') issue.mutate({ id: sale.id, expectedVersion });
    else if (action === 'paid' || action === 'unpaid')
      setPaid.mutate({ id: sale.id, paid: action === 'paid', expectedVersion });
    else setAsking(action);
  };
  const confirm = async () => {
    if (asking === 'credit') {
      const { creditNote } = await credit.mutateAsync({ id: sale.id, expectedVersion });
      notifySuccess(t('sales.credited', { number: creditNote.number ?? '' }));
    } else await cancel.mutateAsync({ id: sale.id, expectedVersion });
    setAsking(null);
  };
  const change = asking === 'credit' ? credit : cancel;
  return (
    <>
      <Menu position="bottom-end">
        <Menu.Target>
          <ActionIcon
            variant="subtle"
            aria-label={t('sales.actions', { number: sale.number ?? t('customers.sales.statuses.draft') })}
          >
            ⋯
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          {actions.map((action) => (
            <Menu.Item key={action} onClick={() => run(action)}>
              {t(`sales.do.${action}`)}
            </Menu.Item>
          ))}
        </Menu.Dropdown>
      </Menu>
      <ErrorAlert error={issue.error ?? setPaid.error} />
      {editing && sale.kind !== 'credit_note' && (
        <SaleForm
          customer={{ id: sale.customerId, currency: sale.currency }}
          kind={sale.kind}
          draft={sale}
          onClose={() => setEditing(false)}
        />
      )}
      {asking && (
        <ConfirmModal
          title={t(`sales.confirm.${asking}`, { number: sale.number ?? t('customers.sales.statuses.draft') })}
          confirmLabel={t(`sales.do.${asking}`)}
          busy={change.isPending}
          error={change.error}
          onConfirm={() => void confirm().catch(() => undefined)}
          onClose={() => setAsking(null)}
        >
          <Stack gap="xs">
            <Text size="sm">{t(`sales.explain.${asking}`)}</Text>
          </Stack>
        </ConfirmModal>
      )}
    </>
  );
}
