// Shown when the data cannot be opened: the OS keychain is missing, or the passphrase store waits.
import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import type { AppStatus } from '../../../../shared/contract';
import { call, isAppError } from '../../lib/api';
import { fieldErrors } from '../../lib/field-errors';

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
        </Stack>
      </Paper>
    </Center>
  );
}
