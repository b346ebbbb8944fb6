// First start: the company and its first administrator.
import { Alert, Button, PasswordInput, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AuthCard } from '../../components/AuthCard';
import { call } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useSubmit } from '../../lib/use-submit';

export function SetupScreen() {
  const { t } = useTranslation();
  const auth = useAuth();
  const [values, setValues] = useState({ company: '', name: '', email: '', password: '', confirm: '' });
  const { busy, errors, formError, setFormError, submit } = useSubmit(async () => {
    if (values.password !== values.confirm) {
      setFormError(t('auth.mismatch'));
      return;
    }
    const { confirm: _confirm, ...input } = values;
    auth.set(await call('auth.setup', input));
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
    <AuthCard title={t('setup.title')} onSubmit={(e) => void submit(e)}>
      <Text size="sm">{t('setup.explain')}</Text>
      <TextInput label={t('setup.company')} {...field('company')} required autoFocus />
      <TextInput label={t('setup.adminName')} {...field('name')} required autoComplete="name" />
      <TextInput label={t('auth.email')} type="email" {...field('email')} required autoComplete="email" />
      <PasswordInput
        label={t('auth.password')}
        description={t('auth.passwordRules')}
        {...field('password')}
        required
        autoComplete="new-password"
      />
      <PasswordInput label={t('auth.confirm')} {...field('confirm')} required autoComplete="new-password" />
      {formError && (
        <Alert color="red" role="alert">
          {formError}
        </Alert>
      )}
      <Button type="submit" loading={busy}>
        {t('setup.submit')}
      </Button>
    </AuthCard>
  );
}
