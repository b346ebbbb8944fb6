// The idle lock: a modal over the app, so what the user was typing stays where it was. A user with
// 2FA gives a code too; the form checks both with the contract before asking the main process.
import { Button, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import { call } from '../../lib/api';
import { useAuth, useSignedIn } from '../../lib/auth';
import { useContractForm } from '../../lib/use-contract-form';

export function LockOverlay() {
  const { t } = useTranslation();
  const auth = useAuth();
  const status = useSignedIn();
  const needsCode = status.user.twoFactor;
  const { form, field, busy, formError, submit } = useContractForm({
    procedure: 'auth.unlock',
    initialValues: { password: '', code: '' },
    toInput: (v) => ({ password: v.password, ...(needsCode && { code: v.code }) }),
    onSubmit: async (input) => {
      const result = await call('auth.unlock', input);
      form.reset();
      if (result.state !== 'second_factor_required') auth.set(result);
    },
  });

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
      <form onSubmit={submit} noValidate aria-label={t('auth.lockedTitle')}>
        <Stack>
          <Text size="sm">{t('auth.lockedText', { name: status.user.name })}</Text>
          <PasswordInput
            label={t('auth.password')}
            {...field('password')}
            autoFocus
            data-autofocus
            autoComplete="current-password"
          />
          {needsCode && (
            <TextInput label={t('auth.code')} {...field('code')} autoComplete="one-time-code" inputMode="numeric" />
          )}
          <FormError message={formError} />
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
