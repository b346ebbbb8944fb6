// Sign-in: email and password, then the 2FA code when the account uses it.
import { Alert, Anchor, Button, PasswordInput, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import { AuthCard } from '../../components/AuthCard';
import { call } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useContractForm } from '../../lib/use-contract-form';
import { ForgotPassword } from './ForgotPassword';

export function LoginScreen() {
  const { t } = useTranslation();
  const auth = useAuth();
  const [forgot, setForgot] = useState(false);
  const [notice, setNotice] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const { form, field, busy, formError, submit } = useContractForm({
    procedure: 'auth.login',
    initialValues: { email: '', password: '', code: '' },
    toInput: ({ email, password, code }) => ({ email, password, ...(needsCode && { code }) }),
    onSubmit: async (input) => {
      const result = await call('auth.login', input);
      if (result.state === 'second_factor_required') {
        setNeedsCode(true);
        return;
      }
      form.setFieldValue('password', '');
      auth.set(result);
    },
  });

  if (forgot) {
    return (
      <ForgotPassword
        onDone={(message) => {
          setNotice(message);
          setForgot(false);
        }}
      />
    );
  }

  return (
    <AuthCard title={t('auth.signIn')} onSubmit={submit}>
      {notice && (
        <Alert color="teal" role="status">
          {notice}
        </Alert>
      )}
      {!needsCode ? (
        <>
          <TextInput
            label={t('auth.email')}
            type="email"
            {...field('email')}
            required
            autoFocus
            autoComplete="username"
          />
          <PasswordInput label={t('auth.password')} {...field('password')} required autoComplete="current-password" />
        </>
      ) : (
        <>
          <Text size="sm">{t('auth.codeHelp')}</Text>
          <TextInput
            label={t('auth.code')}
            {...field('code')}
            autoComplete="one-time-code"
            inputMode="numeric"
            autoFocus
            required
          />
        </>
      )}
      <FormError message={formError} />
      <Button type="submit" loading={busy}>
        {needsCode ? t('auth.verify') : t('auth.signIn')}
      </Button>
      {!needsCode && (
        <Anchor component="button" type="button" size="sm" onClick={() => setForgot(true)}>
          {t('forgot.link')}
        </Anchor>
      )}
    </AuthCard>
  );
}
