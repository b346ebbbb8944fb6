// Settings: language and theme (this computer), and the database choice (the installation).
import {
  Alert,
  Button,
  Card,
  Radio,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
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
import { POLICY_TEXT, type MachineState } from '../../../../shared/machine-config';
import { AboutCard } from './AboutCard';

type DatabaseSettings = Output<'settings.getDatabase'>;

function DatabaseCard({ machine }: { machine: MachineState | undefined }) {
  const loaded = useProcedure('settings.getDatabase', {});
  if (loaded.error) return <ErrorAlert error={loaded.error} />;
  return loaded.data && machine ? <DatabaseForm initial={loaded.data} machine={machine} /> : null;
}

/** What IT set for this computer (locked here), and what of its configuration was left out. */
function MachineCard({ machine }: { machine: MachineState }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'de' ? 'de' : 'en';
  if (machine.locked.length === 0 && machine.problems.length === 0) return null;
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Title order={3}>{t('settings.machine')}</Title>
        <Text size="sm" c="dimmed">
          {t('settings.machineHelp')}
        </Text>
        {machine.locked.map((key) => (
          <Text size="sm" key={key}>
            {POLICY_TEXT[key][language].title}:{' '}
            <Text span ff="monospace">
              {JSON.stringify(machine.config[key])}
            </Text>
          </Text>
        ))}
        {machine.problems.length > 0 && (
          <Alert color="orange" role="note" title={t('settings.machineProblems')}>
            {machine.problems.map((problem, i) => (
              <Text size="sm" key={i}>
                {problem.line === null
                  ? t('settings.machineProblemNoLine', { ...problem })
                  : t('settings.machineProblem', { ...problem, line: problem.line })}
              </Text>
            ))}
          </Alert>
        )}
      </Stack>
    </Card>
  );
}

type Kind = DatabaseSettings['configured']['kind'];
type ServerCheck = Output<'settings.testServer'>;

const kindLabel = {
  sqlite: 'settings.local',
  server: 'settings.kontorServer',
  postgres: 'settings.server',
} as const satisfies Record<Kind, string>;

function DatabaseForm({ initial, machine }: { initial: DatabaseSettings; machine: MachineState }) {
  const { t, i18n } = useTranslation();
  const configured = initial.configured;
  const [settings, setSettings] = useState<DatabaseSettings | null>(initial);
  const [kind, setKind] = useState<Kind>(configured.kind);
  const [url, setUrl] = useState(configured.kind === 'sqlite' ? '' : configured.url);
  const [ca, setCa] = useState('');
  const [fingerprint, setFingerprint] = useState(configured.kind === 'server' ? (configured.fingerprint ?? '') : '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [check, setCheck] = useState<ServerCheck | null>(null);
  const [testing, setTesting] = useState(false);
  const fixedByIt = machine.locked.includes('serverUrl');
  const postgresAllowed = machine.config.allowDirectPostgres !== false;

  const server = () => ({
    url: url.trim(),
    ...(ca.trim() !== '' && { ca: ca.trim() }),
    ...(fingerprint.trim() !== '' && { fingerprint: fingerprint.trim() }),
  });

  function fail(e: unknown) {
    if (isAppError(e) && e.code === 'validation') {
      const fields = fieldErrors(e, t);
      setErrors(fields);
      if (Object.keys(fields).length === 0) setError(describeError(e, t, i18n.language));
    } else setError(describeError(e, t, i18n.language));
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setErrors({});
    setSaved(false);
    try {
      const choice =
        kind === 'sqlite' ? { kind } : kind === 'postgres' ? { kind, url: url.trim() } : { kind, ...server() };
      const next = await call('settings.setDatabase', choice);
      setSettings(next);
      setSaved(next.restartRequired);
    } catch (e) {
      fail(e);
    }
  }

  async function test() {
    setError(null);
    setErrors({});
    setCheck(null);
    setTesting(true);
    try {
      setCheck(await call('settings.testServer', server()));
    } catch (e) {
      fail(e);
    } finally {
      setTesting(false);
    }
  }

  return (
    <Card withBorder component="form" onSubmit={save}>
      <Stack>
        <Title order={3}>{t('settings.database')}</Title>
        <Text size="sm" c="dimmed">
          {t('settings.databaseHelp')}
        </Text>
        {settings && <Text size="sm">{t('settings.active', { kind: t(kindLabel[settings.active]) })}</Text>}
        {fixedByIt && (
          <Alert color="blue" role="note">
            {t('settings.lockedByIt')}
          </Alert>
        )}
        <Radio.Group value={kind} onChange={(v) => setKind(v)} label={t('settings.database')}>
          <Stack gap="xs" mt="xs">
            <Radio value="sqlite" label={t('settings.local')} disabled={fixedByIt} />
            <Radio value="server" label={t('settings.kontorServer')} disabled={fixedByIt} />
            <Radio
              value="postgres"
              label={t('settings.server')}
              disabled={fixedByIt || !postgresAllowed}
              description={postgresAllowed ? undefined : t('settings.postgresNotAllowed')}
            />
          </Stack>
        </Radio.Group>
        {kind === 'server' && (
          <>
            <Text size="sm" c="dimmed">
              {t('settings.kontorServerHelp')}
            </Text>
            <TextInput
              label={t('settings.serverUrl')}
              placeholder="https://kontor.firma.local"
              value={url}
              onChange={(e) => setUrl(e.currentTarget.value)}
              error={errors['url']}
              required
            />
            <Textarea
              label={t('settings.serverCa')}
              placeholder="-----BEGIN CERTIFICATE-----"
              autosize
              minRows={2}
              maxRows={6}
              value={ca}
              onChange={(e) => setCa(e.currentTarget.value)}
              error={errors['ca']}
              styles={{ input: { fontFamily: 'monospace' } }}
            />
            <TextInput
              label={t('settings.serverFingerprint')}
              placeholder="AB:CD:…"
              value={fingerprint}
              onChange={(e) => setFingerprint(e.currentTarget.value)}
              error={errors['fingerprint']}
              styles={{ input: { fontFamily: 'monospace' } }}
            />
            <Button variant="default" w="fit-content" onClick={() => void test()} loading={testing}>
              {t('settings.test')}
            </Button>
            {check && (
              <Alert color={check.ok ? (check.ready ? 'green' : 'yellow') : 'red'} role="status">
                {check.ok ? (
                  <>
                    {t(check.ready ? 'settings.testOk' : 'settings.testNotReady')}
                    {check.fingerprint && (
                      <Text size="xs" ff="monospace" mt={4}>
                        {t('settings.testFingerprint', { fingerprint: check.fingerprint })}
                      </Text>
                    )}
                  </>
                ) : (
                  t('settings.testFailed', { message: check.message })
                )}
              </Alert>
            )}
          </>
        )}
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
            error={errors['url'] ?? error}
          />
        )}
        {error && kind !== 'postgres' && <Alert color="red">{error}</Alert>}
        {saved && (
          <Alert color="yellow" role="status">
            {t('settings.saved')}
          </Alert>
        )}
        <Button type="submit" w="fit-content" disabled={fixedByIt}>
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
  const machine = useProcedure('app.machine', {}).data;
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
      {machine && <MachineCard machine={machine} />}
      <AboutCard />
      {canManage && <DatabaseCard machine={machine} />}
    </Stack>
  );
}
