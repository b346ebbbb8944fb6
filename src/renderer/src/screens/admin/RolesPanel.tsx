// Roles: the built-in ones (read-only) and custom roles made of permissions.
import { Badge, Button, Checkbox, Group, Modal, SimpleGrid, Stack, Table, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import { permissions, type Permission, type Role } from '../../../../shared/contract';
import { call } from '../../lib/api';
import { useLoaded } from '../../lib/use-loaded';
import { useSubmit } from '../../lib/use-submit';

function RoleForm({ role, onClose, onSaved }: { role: Role | null; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(role?.name ?? '');
  const [granted, setGranted] = useState<Permission[]>(role?.permissions ?? []);
  const { busy, errors, formError, submit } = useSubmit(async () => {
    if (role) await call('roles.update', { id: role.id, name, permissions: granted });
    else await call('roles.create', { name, permissions: granted });
    onSaved();
  });
  return (
    <Modal opened onClose={onClose} title={role ? t('admin.editRole') : t('admin.newRole')} size="lg">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <TextInput
            label={t('admin.name')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={errors['name']}
            required
            data-autofocus
          />
          <Checkbox.Group label={t('admin.permissions')} value={granted} onChange={(v) => setGranted(v)}>
            <SimpleGrid cols={2} mt="xs">
              {permissions.map((p) => (
                <Checkbox key={p} value={p} label={t(`permissions.${p}`)} />
              ))}
            </SimpleGrid>
          </Checkbox.Group>
          <FormError message={formError} />
          <Button type="submit" loading={busy}>
            {t('customers.save')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

export function RolesPanel() {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<Role | 'new' | null>(null);
  const { data: roles, error, reload: load, act } = useLoaded(() => call('roles.list', {}), [] as Role[]);

  const remove = (role: Role) => act(() => call('roles.delete', { id: role.id }));

  return (
    <Stack>
      <Group justify="flex-end">
        <Button onClick={() => setEditing('new')}>{t('admin.newRole')}</Button>
      </Group>
      <FormError message={error} />
      <Table striped aria-label={t('admin.roles')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('admin.name')}</Table.Th>
            <Table.Th>{t('admin.permissions')}</Table.Th>
            <Table.Th>{t('admin.members')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {roles.map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td>
                {r.name} {r.builtin && <Badge variant="light">{t('admin.builtin')}</Badge>}
              </Table.Td>
              <Table.Td>{r.permissions.map((p) => t(`permissions.${p}`)).join(', ')}</Table.Td>
              <Table.Td>{r.members}</Table.Td>
              <Table.Td>
                {!r.builtin && (
                  <Group gap={4} justify="flex-end">
                    <Button size="xs" variant="default" onClick={() => setEditing(r)}>
                      {t('admin.edit')}
                    </Button>
                    <Button size="xs" variant="light" color="red" onClick={() => void remove(r)}>
                      {t('admin.delete')}
                    </Button>
                  </Group>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {editing !== null && (
        <RoleForm
          role={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            load();
          }}
        />
      )}
    </Stack>
  );
}
