import {
  ActionIcon,
  AppShell,
  Burger,
  Group,
  NavLink,
  Text,
  Title,
  Tooltip,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { ComingSoon } from '../components/ComingSoon';
import { CustomersScreen } from '../screens/customers/CustomersScreen';
import { SettingsScreen } from '../screens/settings/SettingsScreen';
import { NavIcon } from '../components/NavIcon';
import { routes, useRoute } from './route';

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

export function Shell({ company }: { company: string }) {
  const { t } = useTranslation();
  const [opened, { toggle }] = useDisclosure();
  const [route, go] = useRoute();

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
              {company}
            </Text>
          </Group>
          <Group>
            <LanguageSwitch labels="short" size="xs" />
            <ThemeToggle />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label={t('nav.main')}>
        {routes.map((name) => (
          <NavLink
            key={name}
            href={`#/${name}`}
            label={t(`nav.${name}`)}
            leftSection={<NavIcon route={name} />}
            active={route === name}
            aria-current={route === name ? 'page' : undefined}
            onClick={(event) => {
              event.preventDefault();
              go(name);
            }}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        {route === 'customers' && <CustomersScreen />}
        {route === 'settings' && <SettingsScreen />}
        {(route === 'analytics' || route === 'admin') && <ComingSoon title={t(`nav.${route}`)} />}
      </AppShell.Main>
    </AppShell>
  );
}
