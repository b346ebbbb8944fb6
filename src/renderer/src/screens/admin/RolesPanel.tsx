// Roles: the built-in ones (read-only) and custom roles made of permissions.
import { Badge, Button, Checkbox, SimpleGrid, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { permissions, type Permission, type Role } from '../../../../shared/contract';
import { AdminList } from '../../components/AdminList';
import { FormModal } from '../../components/FormModal';
import { call } from '../../lib/api';
import { useProcedure } from '../../lib/query';
import { roleLabel } from '../../lib/roles';
import { useActions, useInvalidate } from '../../lib/use-actions';
import { useContractForm } from '../../lib/use-contract-form';

function RoleForm({ role, onClose }: { role: Role | null; onClose: () => void }) {
  const { t } = useTranslation();
  const invalidate = useInvalidate();
  const state = useContractForm({
    procedure: role ? 'roles.update' : 'roles.create',
    initialValues: { name: role?.name ?? '', permissions: role?.permissions ?? ([] as Permission[]) },
    toInput: (values) => (role ? { id: role.id, ...values } : values),
    onSubmit: async (_input, values) => {
      if (role) await call('roles.update', { id: role.id, ...values });
      else await call('roles.create', values);
      await invalidate('roles', 'users');
      onClose();
    },
  });
  const { field } = state;
  return (
    <FormModal title={role ? t('admin.editRole') : t('admin.newRole')} size="lg" state={state} onClose={onClose}>
      <TextInput label={t('admin.name')} {...field('name')} required data-autofocus />
      <Checkbox.Group label={t('admin.permissions')} {...field('permissions')}>
        <SimpleGrid cols={2} mt="xs">
          {permissions.map((p) => (
            <Checkbox key={p} value={p} label={t(`permissions.${p}`)} />
          ))}
        </SimpleGrid>
      </Checkbox.Group>
    </FormModal>
  );
}

export function RolesPanel() {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<Role | 'new' | null>(null);
  const roles = useProcedure('roles.list', {});
  const actions = useActions();
  return (
    <>
      <AdminList
        label={t('admin.roles')}
        rows={roles.data}
        rowKey={(r) => r.id}
        error={roles.error ?? actions.error}
        onDismissError={actions.dismiss}
        toolbar={<Button onClick={() => setEditing('new')}>{t('admin.newRole')}</Button>}
        columns={[
          {
            header: t('admin.name'),
            cell: (r) => (
              <>
                {roleLabel(r, t)} {r.builtin && <Badge variant="light">{t('admin.builtin')}</Badge>}
              </>
            ),
          },
          { header: t('admin.permissions'), cell: (r) => r.permissions.map((p) => t(`permissions.${p}`)).join(', ') },
          { header: t('admin.members'), cell: (r) => r.members },
        ]}
        actions={(r) =>
          !r.builtin && (
            <>
              <Button size="xs" variant="default" onClick={() => setEditing(r)}>
                {t('admin.edit')}
              </Button>
              <Button
                size="xs"
                variant="light"
                color="red"
                onClick={() => void actions.run('roles.delete', { id: r.id }, { alsoInvalidates: ['users'] })}
              >
                {t('admin.delete')}
              </Button>
            </>
          )
        }
      />
      {editing !== null && <RoleForm role={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </>
  );
}
