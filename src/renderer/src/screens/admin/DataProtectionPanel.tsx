// Data protection: the company's encryption keys (rotate, back up), its retention rule (always
// previewed before anything is erased), and rebuilding the tables from the event log.
import {
  Alert,
  Button,
  Group,
  Modal,
  NumberInput,
  PasswordInput,
  Progress,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RetentionReport } from '../../../../shared/contract';
import { FormError } from '../../components/FormError';
import { call, callLong } from '../../lib/api';
import { download } from '../../lib/download';
import { useCan } from '../../lib/auth';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useProcedure } from '../../lib/query';
import { useInvalidate } from '../../lib/use-actions';
import { useLongCall } from '../../lib/use-long-call';
import { useSubmit } from '../../lib/use-submit';

function KeysSection() {
  const { t, i18n } = useTranslation();
  const installation = useCan('installation.manage');
  const keys = useProcedure('keys.status', {});
  const status = keys.data;
  const invalidate = useInvalidate();
  const rotation = useLongCall();
  const [rotated, setRotated] = useState<{ kekVersion: number; rewrapped: number } | null>(null);
  const [password, setPassword] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [exported, setExported] = useState<string | null>(null);
  const backup = useSubmit(async () => {
    setExported(null);
    if (passphrase !== repeat) {
      backup.setFormError(t('privacy.passphraseMismatch'));
      return;
    }
    const file = await call('keys.exportBackup', { password, passphrase });
    download(file.fileName, file.content, 'application/json');
    setExported(file.fileName);
    setPassword('');
    setPassphrase('');
    setRepeat('');
  });
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' });

  return (
    <Stack>
      <Title order={3}>{t('privacy.keysTitle')}</Title>
      <ErrorAlert error={keys.error} />
      {status && (
        <Text size="sm" data-testid="key-status">
          {t('privacy.keysStatus', {
            version: status.kekVersion,
            date: format.format(new Date(status.kekCreatedAt)),
            count: status.dataKeys,
            store: status.keyStore === 'keychain' ? t('privacy.keychain') : t('privacy.passphraseStore'),
          })}
        </Text>
      )}
      <Group>
        <Button
          variant="default"
          loading={rotation.running}
          onClick={() =>
            void rotation
              .run((options) => callLong('keys.rotate', {}, options))
              .then((result) => {
                setRotated(result);
                void invalidate('keys');
              })
          }
        >
          {t('privacy.rotate')}
        </Button>
      </Group>
      <FormError message={rotation.error} />
      {rotated && (
        <Alert color="teal">{t('privacy.rotated', { count: rotated.rewrapped, version: rotated.kekVersion })}</Alert>
      )}

      {/* The key backup opens every company: installation administrators only. */}
      {installation && (
        <>
          <Title order={4}>{t('privacy.backupTitle')}</Title>
          <Text size="sm">{t('privacy.backupExplain')}</Text>
          <form onSubmit={(e) => void backup.submit(e)} noValidate aria-label={t('privacy.backupTitle')}>
            <Stack maw={420}>
              <PasswordInput
                label={t('privacy.yourPassword')}
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                error={backup.errors['password']}
                autoComplete="current-password"
                required
              />
              <PasswordInput
                label={t('privacy.passphrase')}
                value={passphrase}
                onChange={(e) => setPassphrase(e.currentTarget.value)}
                error={backup.errors['passphrase']}
                autoComplete="new-password"
                required
              />
              <PasswordInput
                label={t('privacy.passphraseRepeat')}
                value={repeat}
                onChange={(e) => setRepeat(e.currentTarget.value)}
                autoComplete="new-password"
                required
              />
              <FormError message={backup.formError} />
              {exported && <Alert color="teal">{t('privacy.exported', { file: exported })}</Alert>}
              <Button type="submit" loading={backup.busy} w="fit-content">
                {t('privacy.exportBackup')}
              </Button>
            </Stack>
          </form>
        </>
      )}
    </Stack>
  );
}

function RetentionSection() {
  const { t, i18n } = useTranslation();
  const [years, setYears] = useState<number | ''>('');
  const [saved, setSaved] = useState(false);
  const [report, setReport] = useState<RetentionReport | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [applied, setApplied] = useState<number | null>(null);
  const rule = useProcedure('retention.get', {});
  // The form starts from the stored rule once it has arrived.
  const [shown, setShown] = useState<typeof rule.data>(undefined);
  if (rule.data && rule.data !== shown) {
    setShown(rule.data);
    setYears(rule.data.inactiveYears ?? '');
  }
  const error = rule.error;
  const save = useSubmit(async () => {
    setReport(null);
    setApplied(null);
    await call('retention.set', { inactiveYears: years === '' ? null : years });
    setSaved(true);
  });
  const preview = useSubmit(async () => {
    setApplied(null);
    setReport(await call('retention.run', { apply: false }));
  });
  const erase = useLongCall();
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' });

  async function apply() {
    setConfirming(false);
    const result = await erase.run((options) => callLong('retention.run', { apply: true }, options));
    if (result) {
      setApplied(result.erased);
      setReport(null);
    }
  }

  return (
    <Stack>
      <Title order={3}>{t('privacy.retentionTitle')}</Title>
      <ErrorAlert error={error} />
      <form onSubmit={(e) => void save.submit(e)} noValidate aria-label={t('privacy.retentionTitle')}>
        <Stack maw={420}>
          <NumberInput
            label={t('privacy.retentionYears')}
            description={t('privacy.retentionHint')}
            value={years}
            min={1}
            max={100}
            allowDecimal={false}
            error={save.errors['inactiveYears']}
            onChange={(v) => {
              setSaved(false);
              setYears(v === '' ? '' : Number(v));
            }}
          />
          <FormError message={save.formError} />
          {saved && <Alert color="teal">{t('privacy.retentionSaved')}</Alert>}
          <Group>
            <Button type="submit" loading={save.busy}>
              {t('customers.save')}
            </Button>
            <Button variant="default" loading={preview.busy} onClick={() => void preview.submit()}>
              {t('privacy.preview')}
            </Button>
          </Group>
        </Stack>
      </form>
      <FormError message={preview.formError ?? erase.error} />
      {applied !== null && <Alert color="teal">{t('privacy.applied', { count: applied })}</Alert>}
      {report && report.candidates.length === 0 && <Text size="sm">{t('privacy.noCandidates')}</Text>}
      {report && report.candidates.length > 0 && (
        <Stack>
          <Text size="sm">{t('privacy.candidates', { count: report.candidates.length })}</Text>
          <Table striped aria-label={t('privacy.retentionTitle')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('customers.fields.name')}</Table.Th>
                <Table.Th>{t('privacy.lastChange')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {report.candidates.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>{c.name}</Table.Td>
                  <Table.Td>{format.format(new Date(c.updatedAt))}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Button color="red" w="fit-content" loading={erase.running} onClick={() => setConfirming(true)}>
            {t('privacy.apply', { count: report.candidates.length })}
          </Button>
        </Stack>
      )}
      {erase.running && erase.progress && (
        <Progress value={erase.progress.total ? (100 * erase.progress.done) / erase.progress.total : 0} />
      )}
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={t('privacy.retentionTitle')}>
        <Stack>
          <Text>{t('privacy.applyConfirm', { count: report?.candidates.length ?? 0 })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t('customers.cancel')}
            </Button>
            <Button color="red" onClick={() => void apply()} data-autofocus>
              {t('privacy.apply', { count: report?.candidates.length ?? 0 })}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function ReplaySection() {
  const { t } = useTranslation();
  const replay = useLongCall();
  const [result, setResult] = useState<{ events: number; milliseconds: number } | null>(null);

  async function start() {
    setResult(null);
    setResult(await replay.run((options) => callLong('events.replay', {}, options)));
  }

  return (
    <Stack>
      <Title order={3}>{t('privacy.replayTitle')}</Title>
      <Text size="sm">{t('privacy.replayExplain')}</Text>
      <Group>
        <Button variant="default" onClick={() => void start()} loading={replay.running}>
          {t('privacy.replay')}
        </Button>
        {replay.running && (
          <Button variant="subtle" color="red" onClick={replay.cancel}>
            {t('privacy.cancel')}
          </Button>
        )}
      </Group>
      {replay.running && (
        <Stack gap={4} role="status">
          <Progress value={100} animated />
          <Text size="sm">{t('privacy.replayProgress', { count: replay.progress?.done ?? 0 })}</Text>
        </Stack>
      )}
      {replay.cancelled && <Alert color="yellow">{t('privacy.cancelled')}</Alert>}
      <FormError message={replay.error} />
      {result && <Alert color="teal">{t('privacy.replayed', { count: result.events, ms: result.milliseconds })}</Alert>}
    </Stack>
  );
}

export function DataProtectionPanel({ keys, gdpr }: { keys: boolean; gdpr: boolean }) {
  return (
    <Stack gap="xl">
      {keys && <KeysSection />}
      {gdpr && <RetentionSection />}
      {keys && <ReplaySection />}
    </Stack>
  );
}
