// Users of the current company: create, change role or name, deactivate, reset the password.
import { Badge, Button, Group, Modal, PasswordInput, Select, Stack, Table, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import type { Role, User } from '../../../../shared/contract';
import { call } from '../../lib/api';
import { useCan } from '../../lib/auth';
import { useLoaded } from '../../lib/use-loaded';
import { useFormValues, useSubmit } from '../../lib/use-submit';

function UserForm({
  user,
  roles,
  onClose,
  onSaved,
}: {
  user: User | null;
  roles: Role[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const {
    values,
    setValues,
    field: bind,
  } = useFormValues({
    name: user?.name ?? '',
    email: user?.email ?? '',
    roleId: user?.roleId ?? 'clerk',
    password: '',
  });
  const { busy, errors, formError, submit } = useSubmit(async () => {
    if (user)
      await call('users.update', { id: user.id, name: values.name, email: values.email, roleId: values.roleId });
    else await call('users.create', values);
    onSaved();
  });
  return (
    <Modal opened onClose={onClose} title={user ? t('admin.editUser') : t('admin.newUser')}>
      <form onSubmit={(e) => void submit(e)} noValidate aria-label={user ? t('admin.editUser') : t('admin.newUser')}>
        <Stack>
          <TextInput label={t('admin.name')} {...bind('name', errors)} required data-autofocus />
          <TextInput label={t('auth.email')} type="email" {...bind('email', errors)} required />
          <Select
            label={t('admin.role')}
            data={roles.map((r) => ({ value: r.id, label: r.name }))}
            value={values.roleId}
            onChange={(v) => v && setValues((s) => ({ ...s, roleId: v }))}
            error={errors['roleId']}
            allowDeselect={false}
          />
          {!user && (
            <PasswordInput
              label={t('admin.initialPassword')}
              description={t('admin.initialPasswordHelp')}
              {...bind('password', errors)}
              required
              autoComplete="new-password"
            />
          )}
          <FormError message={formError} />
          <Button type="submit" loading={busy}>
            {t('customers.save')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

function ResetPassword({ user, onClose }: { user: User; onClose: () => void }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const { busy, errors, formError, submit } = useSubmit(async () => {
    await call('users.resetPassword', { id: user.id, password });
    onClose();
  });
  return (
    <Modal opened onClose={onClose} title={t('admin.resetPassword')}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <PasswordInput
            label={t('admin.initialPassword')}
            description={t('admin.initialPasswordHelp')}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={errors['password']}
            autoComplete="new-password"
            data-autofocus
          />
          <FormError message={formError} />
          <Button type="submit" loading={busy}>
            {t('admin.resetPassword')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

export function UsersPanel() {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);
  const {
    data: [users, roles],
    error,
    reload: load,
    act,
  } = useLoaded(() => Promise.all([call('users.list', {}), call('roles.list', {})]), [[], []] as [User[], Role[]]);

  const installation = useCan('installation.manage');
  const toggle = (user: User) =>
    act(() => call(user.active ? 'users.deactivate' : 'users.reactivate', { id: user.id }));
  const resetTwoFactor = (user: User) => act(() => call('users.resetTwoFactor', { id: user.id }));
  const toggleInstallationAdmin = (user: User) =>
    act(() => call('users.setInstallationAdmin', { id: user.id, installationAdmin: !user.installationAdmin }));

  return (
    <Stack>
      <Group justify="flex-end">
        <Button onClick={() => setEditing('new')}>{t('admin.newUser')}</Button>
      </Group>
      <FormError message={error} />
      <Table striped aria-label={t('admin.users')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('admin.name')}</Table.Th>
            <Table.Th>{t('auth.email')}</Table.Th>
            <Table.Th>{t('admin.role')}</Table.Th>
            <Table.Th>{t('admin.state')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((u) => (
            <Table.Tr key={u.id} data-testid="user-row">
              <Table.Td>{u.name}</Table.Td>
              <Table.Td>{u.email}</Table.Td>
              <Table.Td>{u.roleName}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  <Badge color={u.active ? 'teal' : 'gray'}>{u.active ? t('admin.active') : t('admin.inactive')}</Badge>
                  {u.twoFactor && <Badge variant="light">2FA</Badge>}
                  {u.lockedUntil && <Badge color="red">{t('admin.lockedOut')}</Badge>}
                  {u.invited && <Badge color="blue">{t('admin.invited')}</Badge>}
                  {u.installationAdmin && <Badge color="grape">{t('admin.installationAdmin')}</Badge>}
                </Group>
              </Table.Td>
              <Table.Td>
                <Group gap={4} justify="flex-end">
                  <Button size="xs" variant="default" onClick={() => setEditing(u)}>
                    {t('admin.edit')}
                  </Button>
                  <Button size="xs" variant="default" onClick={() => setResetting(u)}>
                    {t('admin.resetPassword')}
                  </Button>
                  {u.twoFactor && (
                    <Button size="xs" variant="default" onClick={() => void resetTwoFactor(u)}>
                      {t('admin.resetTwoFactor')}
                    </Button>
                  )}
                  {installation && !u.invited && (
                    <Button size="xs" variant="default" onClick={() => void toggleInstallationAdmin(u)}>
                      {u.installationAdmin ? t('admin.revokeInstallationAdmin') : t('admin.makeInstallationAdmin')}
                    </Button>
                  )}
                  <Button size="xs" variant="light" color={u.active ? 'red' : 'teal'} onClick={() => void toggle(u)}>
                    {u.active ? t('admin.deactivate') : t('admin.reactivate')}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {editing !== null && (
        <UserForm
          user={editing === 'new' ? null : editing}
          roles={roles}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            load();
          }}
        />
      )}
      {resetting && <ResetPassword user={resetting} onClose={() => setResetting(null)} />}
    </Stack>
  );
}
