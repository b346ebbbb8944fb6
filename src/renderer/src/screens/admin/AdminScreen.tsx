// Administration: users, roles, sign-in rules, backups, audit log; each tab only for those who may use it.
import { Tabs, Title, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useRoute } from 'wouter';
import { adminPanels, paths, useArea, type AdminPanel } from '../../app/route';
import { useCan } from '../../lib/auth';
import { AuditPanel } from './AuditPanel';
import { BackupsPanel } from './BackupsPanel';
import { CompaniesPanel } from './CompaniesPanel';
import { DataProtectionPanel } from './DataProtectionPanel';
import { MailPanel } from './MailPanel';
import { RolesPanel } from './RolesPanel';
import { SecurityPanel } from './SecurityPanel';
import { UsersPanel } from './UsersPanel';

export function AdminScreen() {
  const { t } = useTranslation();
  const users = useCan('users.manage');
  const audit = useCan('audit.read');
  const settings = useCan('settings.manage');
  const companies = useCan('tenants.manage');
  const gdpr = useCan('gdpr.manage');
  const installation = useCan('installation.manage');
  const allowed: Record<AdminPanel, boolean> = {
    users,
    roles: users,
    security: settings,
    mail: installation,
    companies: companies || installation,
    privacy: settings || gdpr,
    backups: installation,
    audit,
  };
  // The panel comes from the address (#/admin/users), so it can be linked to and survives a reload.
  const [, params] = useRoute<{ panel: string }>('/admin/:panel');
  const [, go] = useArea();
  const asked = adminPanels.find((p) => p === params?.panel);
  const panel = asked && allowed[asked] ? asked : adminPanels.find((p) => allowed[p]);
  return (
    <Stack>
      <Title order={2}>{t('nav.admin')}</Title>
      <Tabs value={panel ?? null} onChange={(next) => next && go(paths.admin(next as AdminPanel))} keepMounted={false}>
        <Tabs.List>
          {users && <Tabs.Tab value="users">{t('admin.users')}</Tabs.Tab>}
          {users && <Tabs.Tab value="roles">{t('admin.roles')}</Tabs.Tab>}
          {settings && <Tabs.Tab value="security">{t('admin.security')}</Tabs.Tab>}
          {installation && <Tabs.Tab value="mail">{t('admin.mail')}</Tabs.Tab>}
          {(companies || installation) && <Tabs.Tab value="companies">{t('admin.companies')}</Tabs.Tab>}
          {(settings || gdpr) && <Tabs.Tab value="privacy">{t('privacy.tab')}</Tabs.Tab>}
          {installation && <Tabs.Tab value="backups">{t('backups.tab')}</Tabs.Tab>}
          {audit && <Tabs.Tab value="audit">{t('admin.audit')}</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="users" pt="md">
          <UsersPanel />
        </Tabs.Panel>
        <Tabs.Panel value="roles" pt="md">
          <RolesPanel />
        </Tabs.Panel>
        <Tabs.Panel value="security" pt="md">
          <SecurityPanel />
        </Tabs.Panel>
        <Tabs.Panel value="mail" pt="md">
          <MailPanel />
        </Tabs.Panel>
        <Tabs.Panel value="companies" pt="md">
          <CompaniesPanel />
        </Tabs.Panel>
        <Tabs.Panel value="privacy" pt="md">
          <DataProtectionPanel keys={settings} gdpr={gdpr} />
        </Tabs.Panel>
        <Tabs.Panel value="backups" pt="md">
          <BackupsPanel />
        </Tabs.Panel>
        <Tabs.Panel value="audit" pt="md">
          <AuditPanel />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
