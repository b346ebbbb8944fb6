// Forgotten password: a code by email, then a new password with that code.
import { Alert, Button, PasswordInput, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import { AuthCard } from '../../components/AuthCard';
import { call } from '../../lib/api';
import { useSubmit } from '../../lib/use-submit';

export function ForgotPassword({ onDone }: { onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [requested, setRequested] = useState(false);

  const request = useSubmit(async () => {
    await call('auth.forgotPassword', { email });
    setRequested(true);
  });
  const reset = useSubmit(async () => {
    await call('auth.resetPassword', { email, code, password });
    onDone(t('forgot.done'));
  });

  if (!requested) {
    return (
      <AuthCard title={t('forgot.title')} onSubmit={(e) => void request.submit(e)}>
        <Text size="sm">{t('forgot.explain')}</Text>
        <TextInput
          label={t('auth.email')}
          type="email"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={request.errors['email']}
          required
          autoFocus
        />
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
    <AuthCard title={t('forgot.title')} onSubmit={(e) => void reset.submit(e)}>
      <Alert color="blue">{t('forgot.sent', { email })}</Alert>
      <TextInput
        label={t('forgot.code')}
        value={code}
        onChange={(e) => setCode(e.currentTarget.value)}
        error={reset.errors['code']}
        inputMode="numeric"
        autoComplete="one-time-code"
        required
        autoFocus
      />
      <PasswordInput
        label={t('auth.newPassword')}
        description={t('auth.passwordRules')}
        value={password}
        onChange={(e) => setPassword(e.currentTarget.value)}
        error={reset.errors['password']}
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
