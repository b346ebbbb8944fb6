// Forgotten password: a code by email, then a new password with that code.
import { Alert, Button, PasswordInput, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import { AuthCard } from '../../components/AuthCard';
import { call } from '../../lib/api';
import { useContractForm } from '../../lib/use-contract-form';

export function ForgotPassword({ onDone }: { onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const [requested, setRequested] = useState<string | null>(null);
  const request = useContractForm({
    procedure: 'auth.forgotPassword',
    initialValues: { email: '' },
    toInput: (values) => values,
    onSubmit: async (input) => {
      await call('auth.forgotPassword', input);
      setRequested(input.email);
    },
  });
  const reset = useContractForm({
    procedure: 'auth.resetPassword',
    initialValues: { code: '', password: '' },
    toInput: (values) => ({ email: requested ?? '', ...values }),
    onSubmit: async (input) => {
      await call('auth.resetPassword', input);
      onDone(t('forgot.done'));
    },
  });

  if (requested === null) {
    return (
      <AuthCard title={t('forgot.title')} onSubmit={request.submit}>
        <Text size="sm">{t('forgot.explain')}</Text>
        <TextInput label={t('auth.email')} type="email" {...request.field('email')} required autoFocus />
        <FormError message={request.formError} />
        <Button type="submit" loading={request.busy}>
          {t('forgot.send')}
        </Button>
        <Button variant="subtle" onClick={() => onDone('')}>
          {t('forgot.back')}
        </Button>
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t('forgot.title')} onSubmit={reset.submit}>
      <Alert color="blue">{t('forgot.sent', { email: requested })}</Alert>
      <TextInput
        label={t('forgot.code')}
        {...reset.field('code')}
        inputMode="numeric"
        autoComplete="one-time-code"
        required
        autoFocus
      />
      <PasswordInput
        label={t('auth.newPassword')}
        description={t('auth.passwordRules')}
        {...reset.field('password')}
        autoComplete="new-password"
        required
      />
      <FormError message={reset.formError} />
      <Button type="submit" loading={reset.busy}>
        {t('forgot.reset')}
      </Button>
    </AuthCard>
  );
}
