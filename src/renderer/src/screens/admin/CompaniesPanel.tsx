// The companies of this installation: create, rename, archive and restore.
import { Badge, Button, Group, Modal, Stack, Table, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Tenant } from '../../../../shared/contract';
import { FormError } from '../../components/FormError';
import { call } from '../../lib/api';
import { useAuth, useCan } from '../../lib/auth';
import { useLoaded } from '../../lib/use-loaded';
import { useSubmit } from '../../lib/use-submit';

function NameForm({ tenant, onClose, onSaved }: { tenant: Tenant | null; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(tenant?.name ?? '');
  const { busy, errors, formError, submit } = useSubmit(async () => {
    if (tenant) await call('tenants.rename', { id: tenant.id, name });
    else await call('tenants.setup', { name });
    onSaved();
  });
  return (
    <Modal opened onClose={onClose} title={tenant ? t('companies.rename') : t('companies.new')}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <TextInput
            label={t('setup.company')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={errors['name']}
            data-autofocus
            required
          />
          <FormError message={formError} />
          <Button type="submit" loading={busy}>
            {t('customers.save')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

export function CompaniesPanel() {
  const { t, i18n } = useTranslation();
  const auth = useAuth();
  const installation = useCan('installation.manage');
  const [editing, setEditing] = useState<Tenant | 'new' | null>(null);
  const { data: tenants, error, reload: load, act } = useLoaded(() => call('tenants.list', {}), [] as Tenant[]);
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' });

  const toggle = (tenant: Tenant) =>
    act(async () => {
      await call('tenants.archive', { id: tenant.id, archived: tenant.archivedAt === null });
      auth.refresh();
    });

  return (
    <Stack>
      {installation && (
        <Group justify="flex-end">
          <Button onClick={() => setEditing('new')}>{t('companies.new')}</Button>
        </Group>
      )}
      <FormError message={error} />
      <Table striped aria-label={t('admin.companies')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('admin.name')}</Table.Th>
            <Table.Th>{t('companies.created')}</Table.Th>
            <Table.Th>{t('admin.state')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tenants.map((tenant) => (
            <Table.Tr key={tenant.id}>
              <Table.Td>{tenant.name}</Table.Td>
              <Table.Td>{format.format(new Date(tenant.createdAt))}</Table.Td>
              <Table.Td>
                <Badge color={tenant.archivedAt ? 'gray' : 'teal'}>
                  {tenant.archivedAt ? t('companies.archived') : t('admin.active')}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Group gap={4} justify="flex-end">
                  <Button size="xs" variant="default" onClick={() => setEditing(tenant)}>
                    {t('companies.rename')}
                  </Button>
                  <Button
                    size="xs"
                    variant="light"
                    color={tenant.archivedAt ? 'teal' : 'red'}
                    onClick={() => void toggle(tenant)}
                  >
                    {tenant.archivedAt ? t('companies.restore') : t('companies.archive')}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {editing !== null && (
        <NameForm
          tenant={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            load();
            auth.refresh();
          }}
        />
      )}
    </Stack>
  );
}
