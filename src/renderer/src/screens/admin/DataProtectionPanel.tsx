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
import type { KeyStoreLocation, RetentionReport } from '../../../../shared/contract';
import { FormError } from '../../components/FormError';
import { call, callLong } from '../../lib/api';
import { download } from '../../lib/download';
import { useCan } from '../../lib/auth';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useChange, useProcedure } from '../../lib/query';
import { useInvalidate } from '../../lib/use-actions';
import { useLongCall } from '../../lib/use-long-call';
import { useContractForm } from '../../lib/use-contract-form';

const STORE_TEXT = {
  keychain: 'privacy.keychain',
  passphrase: 'privacy.passphraseStore',
  database: 'privacy.databaseStore',
} as const satisfies Record<KeyStoreLocation, string>;

function KeysSection() {
  const { t, i18n } = useTranslation();
  const installation = useCan('installation.manage');
  const keys = useProcedure('keys.status', {});
  const status = keys.data;
  const invalidate = useInvalidate();
  const rotation = useLongCall();
  const [rotated, setRotated] = useState<{ kekVersion: number; rewrapped: number } | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const backup = useContractForm({
    procedure: 'keys.exportBackup',
    initialValues: { password: '', passphrase: '', repeat: '' },
    toInput: ({ password, passphrase }) => ({ password, passphrase }),
    check: (values) => ({
      repeat: values.passphrase !== values.repeat ? t('privacy.passphraseMismatch') : undefined,
    }),
    onSubmit: async (input) => {
      setExported(null);
      const file = await call('keys.exportBackup', input);
      download(file.fileName, file.content, 'application/json');
      setExported(file.fileName);
      backup.form.reset();
    },
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
            store: t(STORE_TEXT[status.keyStore]),
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
          <form onSubmit={backup.submit} noValidate aria-label={t('privacy.backupTitle')}>
            <Stack maw={420}>
              <PasswordInput
                label={t('privacy.yourPassword')}
                {...backup.field('password')}
                autoComplete="current-password"
                required
              />
              <PasswordInput
                label={t('privacy.passphrase')}
                {...backup.field('passphrase')}
                autoComplete="new-password"
                required
              />
              <PasswordInput
                label={t('privacy.passphraseRepeat')}
                {...backup.field('repeat')}
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

/** The retention rule: customers inactive for so many years are erased (none: kept). */
function RetentionForm({ inactiveYears, onSaved }: { inactiveYears: number | null; onSaved: () => void }) {
  const { t } = useTranslation();
  const [saved, setSaved] = useState(false);
  const { form, field, busy, formError, submit } = useContractForm({
    procedure: 'retention.set',
    initialValues: { inactiveYears: inactiveYears ?? '' },
    toInput: ({ inactiveYears: years }) => ({ inactiveYears: years === '' ? null : Number(years) }),
    onSubmit: async (input) => {
      await call('retention.set', input);
      form.resetDirty();
      setSaved(true);
      onSaved();
    },
  });
  return (
    <form onSubmit={submit} noValidate aria-label={t('privacy.retentionTitle')}>
      <Stack maw={420}>
        <NumberInput
          label={t('privacy.retentionYears')}
          description={t('privacy.retentionHint')}
          min={1}
          max={100}
          allowDecimal={false}
          {...field('inactiveYears')}
        />
        <FormError message={formError} />
        {/* Until the next change. */}
        {saved && !form.isDirty() && <Alert color="teal">{t('privacy.retentionSaved')}</Alert>}
        <Button type="submit" loading={busy} w="fit-content">
          {t('customers.save')}
        </Button>
      </Stack>
    </form>
  );
}

function RetentionSection() {
  const { t, i18n } = useTranslation();
  const [report, setReport] = useState<RetentionReport | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [applied, setApplied] = useState<number | null>(null);
  const rule = useProcedure('retention.get', {});
  const preview = useChange('retention.run');
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
      <ErrorAlert error={rule.error} />
      {/* The form starts from the stored rule once it has arrived. */}
      {rule.data && (
        <RetentionForm
          inactiveYears={rule.data.inactiveYears}
          onSaved={() => {
            setReport(null);
            setApplied(null);
          }}
        />
      )}
      <Button
        variant="default"
        w="fit-content"
        loading={preview.isPending}
        onClick={() => {
          setApplied(null);
          preview.mutate({ apply: false }, { onSuccess: setReport });
        }}
      >
        {t('privacy.preview')}
      </Button>
      <ErrorAlert error={preview.error} />
      <FormError message={erase.error} />
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
      <Modal
        opened={confirming}
        onClose={() => setConfirming(false)}
        title={t('privacy.retentionTitle')}
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
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
