// Users of the current company: create, change role or name, deactivate, unlock, reset password or 2FA.
import { Badge, Button, PasswordInput, Select, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role, User } from '../../../../shared/contract';
import { AdminList } from '../../components/AdminList';
import { FormModal } from '../../components/FormModal';
import { call } from '../../lib/api';
import { useCan } from '../../lib/auth';
import { notifySuccess } from '../../lib/notify';
import { useProcedure } from '../../lib/query';
import { roleLabel } from '../../lib/roles';
import { useActions, useInvalidate } from '../../lib/use-actions';
import { useContractForm } from '../../lib/use-contract-form';

function UserForm({ user, roles, onClose }: { user: User | null; roles: readonly Role[]; onClose: () => void }) {
  const { t } = useTranslation();
  const invalidate = useInvalidate();
  const state = useContractForm({
    procedure: user ? 'users.update' : 'users.create',
    initialValues: { name: user?.name ?? '', email: user?.email ?? '', roleId: user?.roleId ?? 'clerk', password: '' },
    toInput: ({ password, ...values }) => (user ? { id: user.id, ...values } : { ...values, password }),
    onSubmit: async (_input, { password, ...values }) => {
      if (user) await call('users.update', { id: user.id, ...values });
      else await call('users.create', { ...values, password });
      await invalidate('users', 'roles');
      onClose();
    },
  });
  const { field } = state;
  return (
    <FormModal title={user ? t('admin.editUser') : t('admin.newUser')} state={state} onClose={onClose}>
      <TextInput label={t('admin.name')} {...field('name')} required data-autofocus />
      <TextInput label={t('auth.email')} type="email" {...field('email')} required />
      <Select
        label={t('admin.role')}
        data={roles.map((r) => ({ value: r.id, label: roleLabel(r, t) }))}
        {...field('roleId')}
        allowDeselect={false}
      />
      {!user && (
        <PasswordInput
          label={t('admin.initialPassword')}
          description={t('admin.initialPasswordHelp')}
          {...field('password')}
          required
          autoComplete="new-password"
        />
      )}
    </FormModal>
  );
}

function ResetPassword({ user, onClose }: { user: User; onClose: () => void }) {
  const { t } = useTranslation();
  const state = useContractForm({
    procedure: 'users.resetPassword',
    initialValues: { password: '' },
    toInput: ({ password }) => ({ id: user.id, password }),
    onSubmit: async (input) => {
      await call('users.resetPassword', input);
      notifySuccess(t('admin.passwordReset', { name: user.name }));
      onClose();
    },
  });
  const { field } = state;
  return (
    <FormModal title={t('admin.resetPassword')} submitLabel={t('admin.resetPassword')} state={state} onClose={onClose}>
      <PasswordInput
        label={t('admin.initialPassword')}
        description={t('admin.initialPasswordHelp')}
        {...field('password')}
        autoComplete="new-password"
        data-autofocus
      />
    </FormModal>
  );
}

export function UsersPanel() {
  const { t } = useTranslation();
  const installation = useCan('installation.manage');
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);
  const users = useProcedure('users.list', {});
  const roles = useProcedure('roles.list', {});
  const actions = useActions();

  return (
    <>
      <AdminList
        label={t('admin.users')}
        rows={users.data}
        rowKey={(u) => u.id}
        rowTestId="user-row"
        error={users.error ?? roles.error ?? actions.error}
        onDismissError={actions.dismiss}
        toolbar={<Button onClick={() => setEditing('new')}>{t('admin.newUser')}</Button>}
        columns={[
          { header: t('admin.name'), cell: (u) => u.name },
          { header: t('auth.email'), cell: (u) => u.email },
          { header: t('admin.role'), cell: (u) => roleLabel({ id: u.roleId, name: u.roleName }, t) },
          {
            header: t('admin.state'),
            cell: (u) => (
              <>
                <Badge color={u.active ? 'teal' : 'gray'}>{u.active ? t('admin.active') : t('admin.inactive')}</Badge>{' '}
                {u.twoFactor && <Badge variant="light">2FA</Badge>}{' '}
                {u.lockedUntil && <Badge color="red">{t('admin.lockedOut')}</Badge>}{' '}
                {u.invited && <Badge color="blue">{t('admin.invited')}</Badge>}{' '}
                {u.installationAdmin && <Badge color="grape">{t('admin.installationAdmin')}</Badge>}
              </>
            ),
          },
        ]}
        actions={(u) => (
          <>
            <Button size="xs" variant="default" onClick={() => setEditing(u)}>
              {t('admin.edit')}
            </Button>
            {u.lockedUntil && (
              <Button
                size="xs"
                variant="default"
                onClick={() =>
                  void actions.run('users.unlock', { id: u.id }, { success: t('admin.unlocked', { name: u.name }) })
                }
              >
                {t('admin.unlock')}
              </Button>
            )}
            <Button size="xs" variant="default" onClick={() => setResetting(u)}>
              {t('admin.resetPassword')}
            </Button>
            {u.twoFactor && (
              <Button
                size="xs"
                variant="default"
                onClick={() => void actions.run('users.resetTwoFactor', { id: u.id })}
              >
                {t('admin.resetTwoFactor')}
              </Button>
            )}
            {installation && !u.invited && (
              <Button
                size="xs"
                variant="default"
                onClick={() =>
                  void actions.run('users.setInstallationAdmin', { id: u.id, installationAdmin: !u.installationAdmin })
                }
              >
                {u.installationAdmin ? t('admin.revokeInstallationAdmin') : t('admin.makeInstallationAdmin')}
              </Button>
            )}
            <Button
              size="xs"
              variant="light"
              color={u.active ? 'red' : 'teal'}
              onClick={() => void actions.run(u.active ? 'users.deactivate' : 'users.reactivate', { id: u.id })}
            >
              {u.active ? t('admin.deactivate') : t('admin.reactivate')}
            </Button>
          </>
        )}
      />
      {editing !== null && (
        <UserForm user={editing === 'new' ? null : editing} roles={roles.data ?? []} onClose={() => setEditing(null)} />
      )}
      {resetting && <ResetPassword user={resetting} onClose={() => setResetting(null)} />}
    </>
  );
}
