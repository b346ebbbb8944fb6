// The companies of this installation: create, rename, archive and restore.
import { Badge, Button, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Tenant } from '../../../../shared/contract';
import { AdminList } from '../../components/AdminList';
import { FormModal } from '../../components/FormModal';
import { call } from '../../lib/api';
import { useAuth, useCan } from '../../lib/auth';
import { useProcedure } from '../../lib/query';
import { useActions, useInvalidate } from '../../lib/use-actions';
import { useContractForm } from '../../lib/use-contract-form';

function NameForm({ tenant, onClose }: { tenant: Tenant | null; onClose: () => void }) {
  const { t } = useTranslation();
  const auth = useAuth();
  const invalidate = useInvalidate();
  const state = useContractForm({
    procedure: tenant ? 'tenants.rename' : 'tenants.setup',
    initialValues: { name: tenant?.name ?? '' },
    toInput: ({ name }) => (tenant ? { id: tenant.id, name } : { name }),
    onSubmit: async (_input, { name }) => {
      if (tenant) await call('tenants.rename', { id: tenant.id, name });
      else await call('tenants.setup', { name });
      await invalidate('tenants');
      auth.refresh();
      onClose();
    },
  });
  const { field } = state;
  return (
    <FormModal title={tenant ? t('companies.rename') : t('companies.new')} state={state} onClose={onClose}>
      <TextInput label={t('setup.company')} {...field('name')} data-autofocus required />
    </FormModal>
  );
}

export function CompaniesPanel() {
  const { t, i18n } = useTranslation();
  const auth = useAuth();
  const installation = useCan('installation.manage');
  const [editing, setEditing] = useState<Tenant | 'new' | null>(null);
  const tenants = useProcedure('tenants.list', {});
  const actions = useActions();
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' });

  async function toggle(tenant: Tenant) {
    if (await actions.run('tenants.archive', { id: tenant.id, archived: tenant.archivedAt === null })) auth.refresh();
  }

  return (
    <>
      <AdminList
        label={t('admin.companies')}
        rows={tenants.data}
        rowKey={(tenant) => tenant.id}
        error={tenants.error ?? actions.error}
        onDismissError={actions.dismiss}
        toolbar={installation && <Button onClick={() => setEditing('new')}>{t('companies.new')}</Button>}
        columns={[
          { header: t('admin.name'), cell: (tenant) => tenant.name },
          { header: t('companies.created'), cell: (tenant) => format.format(new Date(tenant.createdAt)) },
          {
            header: t('admin.state'),
            cell: (tenant) => (
              <Badge color={tenant.archivedAt ? 'gray' : 'teal'}>
                {tenant.archivedAt ? t('companies.archived') : t('admin.active')}
              </Badge>
            ),
          },
        ]}
        actions={(tenant) => (
          <>
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
          </>
        )}
      />
      {editing !== null && <NameForm tenant={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </>
  );
}
