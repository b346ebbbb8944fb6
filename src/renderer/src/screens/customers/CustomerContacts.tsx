// The contact persons of a company customer: a table, a form to add or change one, and removing,
// exporting and erasing a single person (each has their own data key in the main process).
import { ActionIcon, Badge, Button, Checkbox, Group, Menu, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Contact, Customer } from '../../../../shared/contract';
import { printPhone } from '../../../../shared/identifiers';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormModal } from '../../components/FormModal';
import { useCan } from '../../lib/auth';
import { base64ToBytes, download } from '../../lib/download';
import { notifySuccess } from '../../lib/notify';
import { useChange, useProcedure } from '../../lib/query';
import { useContractForm } from '../../lib/use-contract-form';

function ContactForm({
  customer,
  contact,
  onClose,
}: {
  customer: Customer;
  contact: Contact | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const add = useChange('contacts.add');
  const update = useChange('contacts.update');
  const state = useContractForm({
    procedure: 'contacts.add',
    initialValues: {
      name: contact?.name ?? '',
      role: contact?.role ?? '',
      email: contact?.email ?? '',
      phone: contact?.phone ? printPhone(contact.phone, customer.country ?? 'DE') : '',
      primary: contact?.primary ?? false,
    },
    toInput: (values) => ({
      customerId: customer.id,
      fields: {
        name: values.name,
        role: values.role.trim() || null,
        email: values.email.trim() || null,
        phone: values.phone.trim() || null,
        // A new contact without the box ticked: the main process makes the first one primary.
        ...((contact !== null || values.primary) && { primary: values.primary }),
      },
    }),
    onSubmit: async (input) => {
      const saved = contact
        ? await update.mutateAsync({ id: contact.id, expectedVersion: contact.version, changes: input.fields })
        : await add.mutateAsync(input);
      notifySuccess(t('contacts.saved', { name: saved.name }));
      onClose();
    },
  });
  return (
    <FormModal title={contact ? t('contacts.edit') : t('contacts.add')} state={state} onClose={onClose}>
      <TextInput label={t('contacts.fields.name')} required {...state.field('name')} data-autofocus />
      <TextInput label={t('contacts.fields.role')} {...state.field('role')} />
      <TextInput label={t('contacts.fields.email')} type="email" {...state.field('email')} />
      <TextInput label={t('contacts.fields.phone')} type="tel" {...state.field('phone')} />
      <Checkbox label={t('contacts.fields.primary')} {...state.checkbox('primary')} />
    </FormModal>
  );
}

/** Removing or erasing one person, after asking. */
function ContactEnd({
  contact,
  action,
  onClose,
}: {
  contact: Contact;
  action: 'remove' | 'erase';
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const remove = useChange('contacts.remove');
  const erase = useChange('contacts.erase');
  const change = action === 'remove' ? remove : erase;
  const go = async () => {
    if (action === 'remove') await remove.mutateAsync({ id: contact.id, expectedVersion: contact.version });
    else await erase.mutateAsync({ id: contact.id });
    notifySuccess(t(action === 'remove' ? 'contacts.removedNotice' : 'privacy.erasedNotice'));
    onClose();
  };
  return (
    <ConfirmModal
      title={t(action === 'remove' ? 'contacts.removeTitle' : 'contacts.eraseTitle', { name: contact.name })}
      confirmLabel={t(action === 'remove' ? 'contacts.remove' : 'privacy.eraseSubmit')}
      busy={change.isPending}
      error={change.error}
      onConfirm={() => void go().catch(() => undefined)}
      onClose={onClose}
    >
      <Text size="sm">{t(action === 'remove' ? 'contacts.removeExplain' : 'contacts.eraseExplain')}</Text>
    </ConfirmModal>
  );
}

export function CustomerContacts({ customer }: { customer: Customer }) {
  const { t, i18n } = useTranslation();
  const canWrite = useCan('customers.write') && customer.erasedAt === null;
  const canGdpr = useCan('gdpr.manage');
  const contacts = useProcedure('contacts.list', { customerId: customer.id });
  const exporting = useChange('contacts.export');
  const [editing, setEditing] = useState<Contact | 'new' | null>(null);
  const [ending, setEnding] = useState<{ contact: Contact; action: 'remove' | 'erase' } | null>(null);
  const exportContact = (contact: Contact) =>
    exporting.mutate(
      { id: contact.id, csv: i18n.language.startsWith('de') ? 'semicolon' : 'comma' },
      { onSuccess: (file) => download(file.fileName, base64ToBytes(file.base64), 'application/zip') },
    );
  const list = contacts.data ?? [];
  return (
    <Stack>
      <ErrorAlert error={contacts.error ?? exporting.error} />
      {canWrite && (
        <Group>
          <Button size="xs" onClick={() => setEditing('new')}>
            {t('contacts.add')}
          </Button>
        </Group>
      )}
      {contacts.data && list.length === 0 && <Text c="dimmed">{t('contacts.none')}</Text>}
      {list.length > 0 && (
        <Table aria-label={t('contacts.title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('contacts.fields.name')}</Table.Th>
              <Table.Th>{t('contacts.fields.role')}</Table.Th>
              <Table.Th>{t('contacts.fields.email')}</Table.Th>
              <Table.Th>{t('contacts.fields.phone')}</Table.Th>
              <Table.Th aria-label={t('contacts.actions')} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((contact) => {
              const erased = contact.erasedAt !== null;
              return (
                <Table.Tr key={contact.id} data-testid="contact-row">
                  <Table.Td>
                    {erased ? t('privacy.erased') : contact.name}{' '}
                    {contact.primary && !erased && (
                      <Badge size="xs" variant="light">
                        {t('contacts.primary')}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{contact.role}</Table.Td>
                  <Table.Td>{contact.email}</Table.Td>
                  <Table.Td>{contact.phone ? printPhone(contact.phone, customer.country ?? 'DE') : ''}</Table.Td>
                  <Table.Td>
                    {(canWrite || canGdpr) && (
                      <Menu position="bottom-end" withinPortal>
                        <Menu.Target>
                          <ActionIcon variant="subtle" aria-label={t('contacts.actionsFor', { name: contact.name })}>
                            ⋯
                          </ActionIcon>
                        </Menu.Target>
                        <Menu.Dropdown>
                          {canWrite && !erased && (
                            <Menu.Item onClick={() => setEditing(contact)}>{t('contacts.edit')}</Menu.Item>
                          )}
                          {canGdpr && (
                            <Menu.Item onClick={() => exportContact(contact)}>{t('contacts.export')}</Menu.Item>
                          )}
                          {canWrite && (
                            <Menu.Item color="red" onClick={() => setEnding({ contact, action: 'remove' })}>
                              {t('contacts.remove')}
                            </Menu.Item>
                          )}
                          {canGdpr && !erased && (
                            <Menu.Item color="red" onClick={() => setEnding({ contact, action: 'erase' })}>
                              {t('contacts.erase')}
                            </Menu.Item>
                          )}
                        </Menu.Dropdown>
                      </Menu>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      {editing && (
        <ContactForm
          customer={customer}
          contact={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
        />
      )}
      {ending && <ContactEnd {...ending} onClose={() => setEnding(null)} />}
    </Stack>
  );
}
