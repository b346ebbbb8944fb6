// Backups: where they go and when (IT may have set both), a backup now with progress and cancel,
// the backups of the folder with a check of each, and the retention. Restoring happens with the
// app closed (`kontor backup restore`): the panel says how.
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  Group,
  Modal,
  PasswordInput,
  Progress,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BackupListItemView, BackupStatusView } from '../../../../shared/contract';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormError } from '../../components/FormError';
import { call, callLong } from '../../lib/api';
import { useChange, useProcedure } from '../../lib/query';
import { useInvalidate } from '../../lib/use-actions';
import { useContractForm } from '../../lib/use-contract-form';
import { useLongCall } from '../../lib/use-long-call';

const STEP_TEXT = { copy: 'backups.stepCopy', seal: 'backups.stepSeal', check: 'backups.stepCheck' } as const;

function percent(progress: { done: number; total?: number | null } | null): number {
  return progress?.total ? Math.min(100, (100 * progress.done) / progress.total) : 0;
}

function useFormats() {
  const { i18n } = useTranslation();
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const size = new Intl.NumberFormat(i18n.language, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 });
  return { date: (iso: string) => date.format(new Date(iso)), size: (bytes: number) => size.format(bytes / 1_000_000) };
}

function WhereForm({ status }: { status: BackupStatusView }) {
  const { t } = useTranslation();
  const invalidate = useInvalidate();
  const [saved, setSaved] = useState(false);
  const byIt = status.folderSetBy === 'it' && status.scheduleSetBy === 'it';
  const { form, field, busy, formError, submit } = useContractForm({
    procedure: 'backups.configure',
    initialValues: { folder: status.folderSetBy === 'default' ? '' : status.folder, schedule: status.schedule },
    toInput: ({ folder, schedule }) => ({ folder: folder.trim() === '' ? null : folder.trim(), schedule }),
    onSubmit: async (input) => {
      await call('backups.configure', input);
      form.resetDirty();
      setSaved(true);
      void invalidate('backups');
    },
  });
  return (
    <form onSubmit={submit} noValidate aria-label={t('backups.where')}>
      <Stack maw={560}>
        <TextInput
          label={t('backups.folder')}
          description={
            status.folderSetBy === 'it' ? t('backups.setByIt') : t('backups.folderHint', { folder: status.folder })
          }
          placeholder={status.folderSetBy === 'default' ? status.folder : undefined}
          disabled={status.folderSetBy === 'it'}
          {...field('folder')}
        />
        <Select
          label={t('backups.schedule')}
          description={status.scheduleSetBy === 'it' ? t('backups.setByIt') : t('backups.scheduleHint')}
          data={[
            { value: 'daily', label: t('backups.daily') },
            { value: 'off', label: t('backups.off') },
          ]}
          allowDeselect={false}
          disabled={status.scheduleSetBy === 'it'}
          {...field('schedule')}
        />
        <FormError message={formError} />
        {saved && !form.isDirty() && <Alert color="teal">{t('backups.saved')}</Alert>}
        {!byIt && (
          <Button type="submit" loading={busy} w="fit-content">
            {t('customers.save')}
          </Button>
        )}
      </Stack>
    </form>
  );
}

function BackupNow() {
  const { t } = useTranslation();
  const invalidate = useInvalidate();
  const backup = useLongCall();
  const [withPassphrase, setWithPassphrase] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [made, setMade] = useState<string | null>(null);
  const mismatch = withPassphrase && repeat !== '' && passphrase !== repeat;

  async function start() {
    setMade(null);
    const result = await backup.run((options) =>
      callLong('backups.create', withPassphrase ? { passphrase } : {}, options),
    );
    void invalidate('backups');
    if (result) {
      setMade(result.name);
      setPassphrase('');
      setRepeat('');
    }
  }

  const step = backup.progress?.message as keyof typeof STEP_TEXT | undefined;
  return (
    <Stack maw={560}>
      <Checkbox
        label={t('backups.withPassphrase')}
        description={t('backups.withPassphraseHint')}
        checked={withPassphrase}
        onChange={(e) => setWithPassphrase(e.currentTarget.checked)}
      />
      {withPassphrase && (
        <>
          <PasswordInput
            label={t('privacy.passphrase')}
            value={passphrase}
            onChange={(e) => setPassphrase(e.currentTarget.value)}
            autoComplete="new-password"
          />
          <PasswordInput
            label={t('privacy.passphraseRepeat')}
            value={repeat}
            onChange={(e) => setRepeat(e.currentTarget.value)}
            error={mismatch ? t('privacy.passphraseMismatch') : undefined}
            autoComplete="new-password"
          />
        </>
      )}
      <Group>
        <Button
          onClick={() => void start()}
          loading={backup.running}
          disabled={withPassphrase && (passphrase === '' || passphrase !== repeat)}
        >
          {t('backups.now')}
        </Button>
        {backup.running && (
          <Button variant="subtle" color="red" onClick={backup.cancel}>
            {t('privacy.cancel')}
          </Button>
        )}
      </Group>
      {backup.running && (
        <Stack gap={4} role="status">
          <Progress value={percent(backup.progress)} aria-label={t('backups.now')} />
          <Text size="sm">{step && step in STEP_TEXT ? t(STEP_TEXT[step]) : t('backups.starting')}</Text>
        </Stack>
      )}
      {backup.cancelled && <Alert color="yellow">{t('backups.cancelled')}</Alert>}
      <FormError message={backup.error} />
      {made && (
        <Alert color="teal" role="status">
          {t('backups.made', { name: made })}
        </Alert>
      )}
    </Stack>
  );
}

function BackupList() {
  const { t } = useTranslation();
  const formats = useFormats();
  const list = useProcedure('backups.list', {});
  const prune = useChange('backups.prune');
  const verify = useLongCall();
  const [checking, setChecking] = useState<BackupListItemView | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [report, setReport] = useState<{ name: string; ok: boolean; problems: string[] } | null>(null);

  async function check(item: BackupListItemView, given?: string) {
    setChecking(null);
    setReport(null);
    const result = await verify.run((options) =>
      callLong('backups.verify', { name: item.name, ...(given ? { passphrase: given } : {}) }, options),
    );
    setPassphrase('');
    if (result) setReport(result);
  }

  return (
    <Stack>
      <ErrorAlert error={list.error} />
      {list.data && list.data.length === 0 && <Text size="sm">{t('backups.none')}</Text>}
      {list.data && list.data.length > 0 && (
        <Table striped aria-label={t('backups.listTitle')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('backups.when')}</Table.Th>
              <Table.Th>{t('backups.reason')}</Table.Th>
              <Table.Th>{t('backups.contents')}</Table.Th>
              <Table.Th>{t('backups.size')}</Table.Th>
              <Table.Th>{t('backups.check')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.map((item) => (
              <Table.Tr key={item.name}>
                <Table.Td>
                  <Text size="sm">{formats.date(item.createdAt)}</Text>
                  <Text size="xs" c="dimmed">
                    {item.name}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge variant="light">{t(`backups.reasons.${item.reason}`)}</Badge>
                  {item.seal === 'passphrase' && (
                    <Badge variant="outline" ml={4}>
                      {t('backups.passphraseSeal')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  {item.unreadable === null
                    ? t('backups.counts', { companies: item.companies, customers: item.customers })
                    : item.seal === 'passphrase'
                      ? t('backups.sealedContents')
                      : t('backups.unreadable')}
                </Table.Td>
                <Table.Td>{formats.size(item.bytes)}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="default"
                    disabled={verify.running}
                    onClick={() => (item.seal === 'passphrase' ? setChecking(item) : void check(item))}
                    aria-label={t('backups.checkOne', { name: item.name })}
                  >
                    {t('backups.check')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {verify.running && (
        <Stack gap={4} role="status">
          <Progress value={percent(verify.progress)} aria-label={t('backups.check')} />
          <Group>
            <Text size="sm">{t('backups.checking')}</Text>
            <Button size="xs" variant="subtle" color="red" onClick={verify.cancel}>
              {t('privacy.cancel')}
            </Button>
          </Group>
        </Stack>
      )}
      <FormError message={verify.error} />
      {report && (
        <Alert color={report.ok ? 'teal' : 'red'} role="status">
          {report.ok ? t('backups.checkOk', { name: report.name }) : t('backups.checkFailed', { name: report.name })}
          {report.problems.map((p) => (
            <Text key={p} size="sm">
              {p}
            </Text>
          ))}
        </Alert>
      )}
      <Group>
        <Button variant="default" loading={prune.isPending} onClick={() => prune.mutate({})}>
          {t('backups.prune')}
        </Button>
        {prune.data && <Text size="sm">{t('backups.pruned', { count: prune.data.removed.length })}</Text>}
      </Group>
      <ErrorAlert error={prune.error} />
      <Modal
        opened={checking !== null}
        onClose={() => setChecking(null)}
        title={t('backups.check')}
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (checking) void check(checking, passphrase);
          }}
        >
          <Stack>
            <PasswordInput
              label={t('privacy.passphrase')}
              value={passphrase}
              onChange={(e) => setPassphrase(e.currentTarget.value)}
              data-autofocus
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setChecking(null)}>
                {t('customers.cancel')}
              </Button>
              <Button type="submit" disabled={passphrase === ''}>
                {t('backups.check')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Stack>
  );
}

export function BackupsPanel() {
  const { t } = useTranslation();
  const formats = useFormats();
  const status = useProcedure('backups.status', {});
  const data = status.data;
  return (
    <Stack gap="xl">
      <ErrorAlert error={status.error} />
      {data && !data.available && <Alert color="blue">{t('backups.postgres')}</Alert>}
      {data?.available && (
        <>
          <Stack>
            <Title order={3}>{t('backups.where')}</Title>
            <Text size="sm" data-testid="backup-status">
              {data.last ? t('backups.last', { date: formats.date(data.last.createdAt) }) : t('backups.never')}
              {data.nextAt ? ` ${t('backups.next', { date: formats.date(data.nextAt) })}` : ''}
            </Text>
            {data.lastError && (
              <Alert color="red">
                {t('backups.failed', { date: formats.date(data.lastError.at), message: data.lastError.message })}
              </Alert>
            )}
            <WhereForm key={`${data.folder}:${data.schedule}`} status={data} />
          </Stack>
          <Stack>
            <Title order={3}>{t('backups.nowTitle')}</Title>
            <BackupNow />
          </Stack>
          <Stack>
            <Title order={3}>{t('backups.listTitle')}</Title>
            <BackupList />
          </Stack>
          <Stack>
            <Title order={3}>{t('backups.restoreTitle')}</Title>
            <Text size="sm">{t('backups.restoreExplain')}</Text>
            <Code block>kontor backup restore --in FILE --data-dir NEW-FOLDER</Code>
          </Stack>
        </>
      )}
    </Stack>
  );
}
