// Settings: language and theme (this computer), and the database choice (the installation).
import {
  Alert,
  Button,
  Card,
  Radio,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
  useMantineColorScheme,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Output } from '../../../../shared/contract';
import { call, isAppError } from '../../lib/api';
import { fieldErrors } from '../../lib/field-errors';
import { describeError } from '../../lib/describe-error';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useProcedure } from '../../lib/query';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { useCan } from '../../lib/auth';

type DatabaseSettings = Output<'settings.getDatabase'>;

function DatabaseCard() {
  const loaded = useProcedure('settings.getDatabase', {});
  if (loaded.error) return <ErrorAlert error={loaded.error} />;
  return loaded.data ? <DatabaseForm initial={loaded.data} /> : null;
}

function DatabaseForm({ initial }: { initial: DatabaseSettings }) {
  const { t, i18n } = useTranslation();
  const [settings, setSettings] = useState<DatabaseSettings | null>(initial);
  const [kind, setKind] = useState<'sqlite' | 'postgres'>(initial.configured.kind);
  const [url, setUrl] = useState(initial.configured.kind === 'postgres' ? initial.configured.url : '');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setSaved(false);
    try {
      const next = await call('settings.setDatabase', kind === 'sqlite' ? { kind } : { kind, url });
      setSettings(next);
      setSaved(next.restartRequired);
    } catch (e) {
      setError(
        isAppError(e) && e.code === 'validation'
          ? (fieldErrors(e, t)['url'] ?? describeError(e, t, i18n.language))
          : describeError(e, t, i18n.language),
      );
    }
  }

  return (
    <Card withBorder component="form" onSubmit={save}>
      <Stack>
        <Title order={3}>{t('settings.database')}</Title>
        <Text size="sm" c="dimmed">
          {t('settings.databaseHelp')}
        </Text>
        {settings && (
          <Text size="sm">
            {t('settings.active', { kind: t(settings.active === 'sqlite' ? 'settings.local' : 'settings.server') })}
          </Text>
        )}
        <Radio.Group value={kind} onChange={(v) => setKind(v)} label={t('settings.database')}>
          <Stack gap="xs" mt="xs">
            <Radio value="sqlite" label={t('settings.local')} />
            <Radio value="postgres" label={t('settings.server')} />
          </Stack>
        </Radio.Group>
        {kind === 'postgres' && (
          <Alert color="orange" role="note">
            {t('settings.directWarning')}
          </Alert>
        )}
        {kind === 'postgres' && (
          <TextInput
            label={t('settings.url')}
            placeholder="postgres://kontor@db.firma.local:5432/kontor"
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            error={error}
          />
        )}
        {error && kind === 'sqlite' && <Alert color="red">{error}</Alert>}
        {saved && (
          <Alert color="yellow" role="status">
            {t('settings.saved')}
          </Alert>
        )}
        <Button type="submit" w="fit-content">
          {t('settings.save')}
        </Button>
      </Stack>
    </Card>
  );
}

export function SettingsScreen() {
  const { t } = useTranslation();
  const canManage = useCan('installation.manage');
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  return (
    <Stack maw={640}>
      <Title order={2}>{t('settings.title')}</Title>
      <Card withBorder>
        <Stack>
          <Title order={3}>{t('settings.appearance')}</Title>
          <Text size="sm">{t('settings.language')}</Text>
          <LanguageSwitch labels="long" />
          <Text size="sm">{t('settings.theme')}</Text>
          <SegmentedControl
            aria-label={t('settings.theme')}
            value={colorScheme}
            onChange={(v) => setColorScheme(v)}
            data={(['light', 'dark', 'auto'] as const).map((v) => ({ value: v, label: t(`settings.themes.${v}`) }))}
          />
        </Stack>
      </Card>
      {canManage && <DatabaseCard />}
    </Stack>
  );
}
