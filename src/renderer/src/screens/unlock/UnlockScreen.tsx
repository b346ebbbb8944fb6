// Shown when the data cannot be opened: the OS keychain is missing, or the passphrase store waits.
import { Alert, Button, Center, Checkbox, FileInput, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import type { AppStatus } from '../../../../shared/contract';
import { call, isAppError } from '../../lib/api';
import { fieldErrors } from '../../lib/field-errors';
import { useSubmit } from '../../lib/use-submit';

type Locked = Extract<AppStatus, { state: 'locked' }>;

export function UnlockScreen({ status, onUnlocked }: { status: Locked; onUnlocked: () => void }) {
  const { t } = useTranslation();
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (status.firstRun && passphrase !== confirm) {
      setError(t('unlock.mismatch'));
      return;
    }
    setBusy(true);
    try {
      await call('app.unlock', { passphrase });
      onUnlocked();
    } catch (e) {
      setError(
        isAppError(e) && e.code === 'validation'
          ? (fieldErrors(e, t)['passphrase'] ?? e.message)
          : (e as Error).message,
      );
    } finally {
      setBusy(false);
      setPassphrase('');
      setConfirm('');
    }
  }

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder p="xl" maw={520} w="100%" component="form" onSubmit={submit}>
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
              value={passphrase}
              onChange={(e) => setPassphrase(e.currentTarget.value)}
              autoComplete={status.firstRun ? 'new-password' : 'current-password'}
              data-autofocus
              autoFocus
              required
            />
          )}
          {status.canUsePassphrase && status.firstRun && (
            <PasswordInput
              label={t('unlock.confirm')}
              value={confirm}
              onChange={(e) => setConfirm(e.currentTarget.value)}
              autoComplete="new-password"
              required
            />
          )}
          <FormError message={error} />
          {status.canUsePassphrase && (
            <Button type="submit" loading={busy}>
              {status.firstRun ? t('unlock.create') : t('unlock.submit')}
            </Button>
          )}
          <ImportKeys masterPassphrase={passphrase} onUnlocked={onUnlocked} />
        </Stack>
      </Paper>
    </Center>
  );
}

/** A key backup from another machine: read the file here, import and open in the main process. */
function ImportKeys({ masterPassphrase, onUnlocked }: { masterPassphrase: string; onUnlocked: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [replace, setReplace] = useState(false);
  const { busy, errors, formError, submit } = useSubmit(async () => {
    await call('app.importKeys', {
      backup: file ? await file.text() : '',
      passphrase,
      replace,
      ...(masterPassphrase !== '' && { masterPassphrase }),
    });
    onUnlocked();
  });
  return (
    <Stack gap="xs" component="section" aria-label={t('unlock.importTitle')}>
      <Title order={4}>{t('unlock.importTitle')}</Title>
      <Text size="sm">{t('unlock.importExplain')}</Text>
      <FileInput
        label={t('unlock.importFile')}
        accept="application/json,.json"
        value={file}
        onChange={setFile}
        error={errors['backup']}
        clearable
      />
      <PasswordInput
        label={t('unlock.importPassphrase')}
        value={passphrase}
        onChange={(e) => setPassphrase(e.currentTarget.value)}
        error={errors['passphrase']}
        autoComplete="off"
      />
      <Checkbox
        label={t('unlock.importReplace')}
        checked={replace}
        onChange={(e) => setReplace(e.currentTarget.checked)}
      />
      <FormError message={formError} />
      <Button variant="default" loading={busy} onClick={() => void submit()} w="fit-content">
        {t('unlock.importSubmit')}
      </Button>
    </Stack>
  );
}
