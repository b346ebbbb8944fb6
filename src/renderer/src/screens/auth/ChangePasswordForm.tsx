// Change one's own password: forced after an admin reset or a new account (the user signed in with
// the current one a moment ago and is not asked again), or from the profile.
import { Button, PasswordInput, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import { call } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useContractForm } from '../../lib/use-contract-form';

export function ChangePasswordForm({ onDone, forced = false }: { onDone?: () => void; forced?: boolean }) {
  const { t } = useTranslation();
  const auth = useAuth();
  const { form, field, busy, formError, submit } = useContractForm({
    procedure: 'auth.changePassword',
    initialValues: { current: '', next: '', confirm: '' },
    toInput: (values) => ({ ...(!forced && { current: values.current }), next: values.next }),
    check: (values) => ({ confirm: values.next !== values.confirm ? t('auth.mismatch') : undefined }),
    onSubmit: async (input) => {
      const status = await call('auth.changePassword', input);
      form.reset();
      auth.set(status);
      onDone?.();
    },
  });
  return (
    <form onSubmit={submit} noValidate aria-label={t('auth.changePassword')}>
      <Stack>
        {!forced && (
          <PasswordInput
            label={t('auth.currentPassword')}
            {...field('current')}
            autoComplete="current-password"
            required
          />
        )}
        <PasswordInput
          label={t('auth.newPassword')}
          description={t('auth.passwordRules')}
          {...field('next')}
          autoComplete="new-password"
          required
        />
        <PasswordInput label={t('auth.confirm')} {...field('confirm')} autoComplete="new-password" required />
        <FormError message={formError} />
        <Button type="submit" loading={busy} w="fit-content">
          {t('auth.changePassword')}
        </Button>
      </Stack>
    </form>
  );
}
