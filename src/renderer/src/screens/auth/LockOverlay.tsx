// The idle lock: a modal over the app, so what the user was typing stays where it was. A user with
// 2FA gives a code too; the form checks both with the contract before asking the main process.
import { Button, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { contract } from '../../../../shared/contract';
import { ErrorAlert } from '../../components/ErrorAlert';
import { call, isAppError } from '../../lib/api';
import { useAuth, useSignedIn } from '../../lib/auth';
import { contractValidator, fieldErrors } from '../../lib/field-errors';

export function LockOverlay() {
  const { t } = useTranslation();
  const auth = useAuth();
  const status = useSignedIn();
  const needsCode = status.user.twoFactor;
  const toInput = (v: { password: string; code: string }) => ({
    password: v.password,
    ...(needsCode && { code: v.code }),
  });
  const form = useForm({
    mode: 'controlled',
    initialValues: { password: '', code: '' },
    validate: contractValidator(contract['auth.unlock'].input, toInput, t),
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function unlock(values: { password: string; code: string }) {
    setBusy(true);
    setError(null);
    try {
      const result = await call('auth.unlock', toInput(values));
      form.reset();
      if (result.state !== 'second_factor_required') auth.set(result);
    } catch (e) {
      if (isAppError(e) && e.code === 'validation' && e.details?.issues?.length) form.setErrors(fieldErrors(e, t));
      else setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      opened
      onClose={() => undefined}
      withCloseButton={false}
      closeOnEscape={false}
      closeOnClickOutside={false}
      title={t('auth.lockedTitle')}
      centered
      overlayProps={{ backgroundOpacity: 0.7, blur: 6 }}
    >
      <form onSubmit={form.onSubmit((values) => void unlock(values))} noValidate aria-label={t('auth.lockedTitle')}>
        <Stack>
          <Text size="sm">{t('auth.lockedText', { name: status.user.name })}</Text>
          <PasswordInput
            label={t('auth.password')}
            {...form.getInputProps('password')}
            autoFocus
            data-autofocus
            autoComplete="current-password"
          />
          {needsCode && (
            <TextInput
              label={t('auth.code')}
              {...form.getInputProps('code')}
              autoComplete="one-time-code"
              inputMode="numeric"
            />
          )}
          <ErrorAlert error={error} />
          <Button type="submit" loading={busy}>
            {t('auth.unlock')}
          </Button>
          <Button variant="subtle" onClick={() => void call('auth.logout', {}).then(auth.set)}>
            {t('auth.signOut')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}
