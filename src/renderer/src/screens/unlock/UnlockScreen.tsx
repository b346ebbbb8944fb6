// Shown when the data cannot be opened: the OS keychain is missing, or the passphrase store waits.
import { Alert, Button, Center, Checkbox, FileInput, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import type { AppStatus } from '../../../../shared/contract';
import { keyBackupOpenedSchema } from '../../../../shared/contract/bridge';
import { call, onEvent } from '../../lib/api';
import { useContractForm } from '../../lib/use-contract-form';

type Locked = Extract<AppStatus, { state: 'locked' }>;

export function UnlockScreen({ status, onUnlocked }: { status: Locked; onUnlocked: () => void }) {
  const { t } = useTranslation();
  const { form, field, values, busy, formError, submit } = useContractForm({
    procedure: 'app.unlock',
    initialValues: { passphrase: '', confirm: '' },
    toInput: ({ passphrase }) => ({ passphrase }),
    check: (v) => ({
      confirm: status.firstRun && v.passphrase !== v.confirm ? t('unlock.mismatch') : undefined,
    }),
    onSubmit: async (input) => {
      try {
        await call('app.unlock', input);
        onUnlocked();
      } finally {
        form.reset();
      }
    },
  });

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder p="xl" maw={520} w="100%" component="form" onSubmit={submit} noValidate>
        <Stack>
          <Title order={2}>{status.firstRun ? t('unlock.firstRunTitle') : t('unlock.title')}</Title>
          <Alert color="yellow" title={t('unlock.reason')}>
            {status.reason}
          </Alert>
          {!status.canUsePassphrase && <Text size="sm">{t('unlock.serverHelp')}</Text>}
          {status.canUsePassphrase && <Text size="sm">{t('unlock.explain')}</Text>}
          {status.canUsePassphrase && (
            <PasswordInput
              label={t('unlock.passphrase')}
              {...field('passphrase')}
              autoComplete={status.firstRun ? 'new-password' : 'current-password'}
              data-autofocus
              autoFocus
              required
            />
          )}
          {status.canUsePassphrase && status.firstRun && (
            <PasswordInput label={t('unlock.confirm')} {...field('confirm')} autoComplete="new-password" required />
          )}
          <FormError message={formError} />
          {status.canUsePassphrase && (
            <Button type="submit" loading={busy}>
              {status.firstRun ? t('unlock.create') : t('unlock.submit')}
            </Button>
          )}
          <ImportKeys masterPassphrase={values.passphrase} onUnlocked={onUnlocked} />
        </Stack>
      </Paper>
    </Center>
  );
}

/** A key backup from another machine: read the file here, import and open in the main process. */
function ImportKeys({ masterPassphrase, onUnlocked }: { masterPassphrase: string; onUnlocked: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const { form, field, checkbox, busy, formError, submit } = useContractForm({
    procedure: 'app.importKeys',
    initialValues: { backup: '', passphrase: '', replace: false },
    toInput: (values) => ({ ...values, ...(masterPassphrase !== '' && { masterPassphrase }) }),
    onSubmit: async (input) => {
      await call('app.importKeys', input);
      onUnlocked();
    },
  });
  async function choose(chosen: File | null) {
    setFile(chosen);
    form.setFieldValue('backup', chosen ? await chosen.text() : '');
  }
  const [opened, setOpened] = useState<string | null>(null);
  // A key backup opened from the file manager (double-click on a .kontorkeys file) fills the form.
  useEffect(
    () =>
      onEvent('keyBackup', (payload) => {
        const parsed = keyBackupOpenedSchema.safeParse(payload);
        if (!parsed.success) return;
        if ('problem' in parsed.data) {
          setOpened(t(`unlock.importOpened.${parsed.data.problem}`, { name: parsed.data.name }));
          return;
        }
        setFile(new File([parsed.data.content], parsed.data.name, { type: 'application/json' }));
        form.setFieldValue('backup', parsed.data.content);
        setOpened(t('unlock.importOpened.ok', { name: parsed.data.name }));
      }),
    // Subscribed once: the form object is the same for the screen's life.
    [],
  );
  return (
    <Stack gap="xs" component="section" aria-label={t('unlock.importTitle')}>
      <Title order={4}>{t('unlock.importTitle')}</Title>
      <Text size="sm">{t('unlock.importExplain')}</Text>
      <FileInput
        label={t('unlock.importFile')}
        accept=".kontorkeys,application/json,.json"
        value={file}
        onChange={(chosen) => void choose(chosen)}
        error={field('backup').error as string | undefined}
        clearable
      />
      {opened && (
        <Text size="sm" role="status">
          {opened}
        </Text>
      )}
      <PasswordInput label={t('unlock.importPassphrase')} {...field('passphrase')} autoComplete="off" />
      <Checkbox label={t('unlock.importReplace')} {...checkbox('replace')} />
      <FormError message={formError} />
      <Button variant="default" loading={busy} onClick={() => submit()} w="fit-content">
        {t('unlock.importSubmit')}
      </Button>
    </Stack>
  );
}
