// Change one's own password: forced after an admin reset or a new account, or from the profile.
import { Alert, Button, PasswordInput, Stack } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useSubmit } from '../../lib/use-submit';

export function ChangePasswordForm({ onDone }: { onDone?: () => void }) {
  const { t } = useTranslation();
  const auth = useAuth();
  const [values, setValues] = useState({ current: '', next: '', confirm: '' });
  const { busy, errors, formError, setFormError, submit } = useSubmit(async () => {
    if (values.next !== values.confirm) {
      setFormError(t('auth.mismatch'));
      return;
    }
    const status = await call('auth.changePassword', { current: values.current, next: values.next });
    setValues({ current: '', next: '', confirm: '' });
    auth.set(status);
    onDone?.();
  });
  const field = (name: keyof typeof values) => ({
    value: values[name],
    error: errors[name],
    onChange: (e: { currentTarget: { value: string } }) => {
      const value = e.currentTarget.value;
      setValues((v) => ({ ...v, [name]: value }));
    },
  });
  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label={t('auth.changePassword')}>
      <Stack>
        <PasswordInput
          label={t('auth.currentPassword')}
          {...field('current')}
          autoComplete="current-password"
          required
        />
        <PasswordInput
          label={t('auth.newPassword')}
          description={t('auth.passwordRules')}
          {...field('next')}
          autoComplete="new-password"
          required
        />
        <PasswordInput label={t('auth.confirm')} {...field('confirm')} autoComplete="new-password" required />
        {formError && (
          <Alert color="red" role="alert">
            {formError}
          </Alert>
        )}
        <Button type="submit" loading={busy} w="fit-content">
          {t('auth.changePassword')}
        </Button>
      </Stack>
    </form>
  );
}
