// Change one's own password: forced after an admin reset or a new account (the user signed in with
// the current one a moment ago and is not asked again), or from the profile.
import { Button, PasswordInput, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import { call } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useFormValues, useSubmit } from '../../lib/use-submit';

export function ChangePasswordForm({ onDone, forced = false }: { onDone?: () => void; forced?: boolean }) {
  const { t } = useTranslation();
  const auth = useAuth();
  const { values, setValues, field: bind } = useFormValues({ current: '', next: '', confirm: '' });
  const { busy, errors, formError, setFormError, submit } = useSubmit(async () => {
    if (values.next !== values.confirm) {
      setFormError(t('auth.mismatch'));
      return;
    }
    const status = await call('auth.changePassword', {
      ...(!forced && { current: values.current }),
      next: values.next,
    });
    setValues({ current: '', next: '', confirm: '' });
    auth.set(status);
    onDone?.();
  });
  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label={t('auth.changePassword')}>
      <Stack>
        {!forced && (
          <PasswordInput
            label={t('auth.currentPassword')}
            {...bind('current', errors)}
            autoComplete="current-password"
            required
          />
        )}
        <PasswordInput
          label={t('auth.newPassword')}
          description={t('auth.passwordRules')}
          {...bind('next', errors)}
          autoComplete="new-password"
          required
        />
        <PasswordInput label={t('auth.confirm')} {...bind('confirm', errors)} autoComplete="new-password" required />
        <FormError message={formError} />
        <Button type="submit" loading={busy} w="fit-content">
          {t('auth.changePassword')}
        </Button>
      </Stack>
    </form>
  );
}
