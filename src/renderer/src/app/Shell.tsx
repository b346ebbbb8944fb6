import {
  ActionIcon,
  Alert,
  AppShell,
  Burger,
  Button,
  Stack,
  Group,
  Menu,
  NavLink,
  Text,
  Title,
  Tooltip,
  UnstyledButton,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { spotlight } from '@mantine/spotlight';
import { modKey } from '../lib/shortcuts';
import { CommandPalette } from './CommandPalette';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { NavIcon } from '../components/NavIcon';
import { call } from '../lib/api';
import { useProcedure } from '../lib/query';
import { useAuth, useSignedIn } from '../lib/auth';
import { AdminScreen } from '../screens/admin/AdminScreen';
import { AnalyticsScreen } from '../screens/analytics/AnalyticsScreen';
import { SalesScreen } from '../screens/sales/SalesScreen';
import { CustomersScreen } from '../screens/customers/CustomersScreen';
import { ProfileScreen } from '../screens/profile/ProfileScreen';
import { SettingsScreen } from '../screens/settings/SettingsScreen';
import { TasksScreen } from '../screens/tasks/TasksScreen';
import { Link } from 'wouter';
import { navigation, paths, useArea, type Route } from './route';

/** Companies that invited the user: join or decline, right where they land after signing in. */
function Invitations() {
  const { t } = useTranslation();
  const auth = useAuth();
  const status = useSignedIn();
  if (status.invitations.length === 0) return null;
  const answer = (tenantId: string, accept: boolean) =>
    void call('auth.answerInvitation', { tenantId, accept }).then(auth.set);
  return (
    <Stack gap="xs" mb="md">
      {status.invitations.map((invitation) => (
        <Alert key={invitation.tenantId} color="blue" role="status">
          <Group justify="space-between">
            <Text size="sm">
              {t('header.invitation', { company: invitation.tenantName, role: invitation.roleName })}
            </Text>
            <Group gap="xs">
              <Button size="xs" onClick={() => answer(invitation.tenantId, true)}>
                {t('header.accept')}
              </Button>
              <Button size="xs" variant="default" onClick={() => answer(invitation.tenantId, false)}>
                {t('header.decline')}
              </Button>
            </Group>
          </Group>
        </Alert>
      ))}
    </Stack>
  );
}

function ThemeToggle() {
  const { t } = useTranslation();
  const { setColorScheme } = useMantineColorScheme();
  const computed = useComputedColorScheme('light');
  return (
    <Tooltip label={t('header.theme')}>
      <ActionIcon
        variant="default"
        size="lg"
        aria-label={t('header.theme')}
        onClick={() => setColorScheme(computed === 'dark' ? 'light' : 'dark')}
      >
        <span aria-hidden>{computed === 'dark' ? '☀' : '☾'}</span>
      </ActionIcon>
    </Tooltip>
  );
}

function UserMenu({ go }: { go: (path: string) => void }) {
  const { t } = useTranslation();
  const auth = useAuth();
  const status = useSignedIn();
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        {/* The name shown is part of the button's name (WCAG 2.5.3, label in name). */}
        <UnstyledButton aria-label={t('header.accountOf', { name: status.user.name })}>
          <Text size="sm" fw={500}>
            {status.user.name}
          </Text>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{status.user.email}</Menu.Label>
        <Menu.Item onClick={() => go(paths.area('profile'))}>{t('profile.title')}</Menu.Item>
        {status.memberships.length > 1 && (
          <>
            <Menu.Divider />
            <Menu.Label>{t('header.switchCompany')}</Menu.Label>
            {status.memberships.map((m) => (
              <Menu.Item
                key={m.tenantId}
                disabled={m.tenantId === status.tenant?.id}
                onClick={() => void call('auth.switchTenant', { tenantId: m.tenantId }).then(auth.set)}
              >
                {m.tenantName} · {m.roleName}
              </Menu.Item>
            ))}
          </>
        )}
        <Menu.Divider />
        <Menu.Item color="red" onClick={() => void call('auth.logout', {}).then(auth.set)}>
          {t('auth.signOut')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

export function Shell() {
  const { t } = useTranslation();
  const status = useSignedIn();
  const [opened, { toggle }] = useDisclosure();
  const [route, go] = useArea();
  const disabled = useProcedure('app.machine', {}).data?.config.disabledFeatures ?? [];
  const visible = navigation.filter(
    (n) =>
      (n.needs.length === 0 || n.needs.some((p) => status.permissions.includes(p))) &&
      !(n.feature && disabled.includes(n.feature)),
  );
  const allowed = route === 'profile' || visible.some((n) => n.route === route);
  const shown: Route = allowed ? route : (visible[0]?.route ?? 'settings');

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group>
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('nav.main')} />
            <Title order={3}>{t('app.title')}</Title>
            <Text c="dimmed" size="sm" data-testid="company-name">
              {status.tenant?.name}
            </Text>
          </Group>
          <Group>
            <Tooltip label={`${modKey(t)}+K`}>
              <Button variant="default" size="xs" onClick={() => spotlight.open()} aria-keyshortcuts="Control+K Meta+K">
                {t('palette.open')}
              </Button>
            </Tooltip>
            <LanguageSwitch labels="short" size="xs" />
            <ThemeToggle />
            <UserMenu go={go} />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label={t('nav.main')}>
        {visible.map(({ route: name }) => (
          <NavLink
            key={name}
            component={Link}
            href={paths.area(name)}
            label={t(`nav.${name}`)}
            leftSection={<NavIcon route={name} />}
            active={shown === name}
            aria-current={shown === name ? 'page' : undefined}
          />
        ))}
      </AppShell.Navbar>
      {/* Keyed by company: switching remounts every screen, so no state or error of the last one stays. */}
      <CommandPalette go={go} />
      <AppShell.Main key={status.tenant?.id ?? 'none'}>
        <Invitations />
        {shown === 'customers' && <CustomersScreen />}
        {shown === 'tasks' && <TasksScreen />}
        {shown === 'settings' && <SettingsScreen />}
        {shown === 'admin' && <AdminScreen />}
        {shown === 'profile' && <ProfileScreen />}
        {shown === 'analytics' && <AnalyticsScreen />}
        {shown === 'sales' && <SalesScreen />}
      </AppShell.Main>
    </AppShell>
  );
}
