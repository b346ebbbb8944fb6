// First start: the company and its first administrator.
import { Alert, Button, PasswordInput, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import { AuthCard } from '../../components/AuthCard';
import { call } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useContractForm } from '../../lib/use-contract-form';

export function SetupScreen() {
  const { t } = useTranslation();
  const auth = useAuth();
  const { field, busy, formError, submit } = useContractForm({
    procedure: 'auth.setup',
    initialValues: { company: '', name: '', email: '', password: '', confirm: '' },
    toInput: ({ confirm: _confirm, ...input }) => input,
    check: (values) => ({ confirm: values.password !== values.confirm ? t('auth.mismatch') : undefined }),
    onSubmit: async (input) => auth.set(await call('auth.setup', input)),
  });

  return (
    <AuthCard title={t('setup.title')} onSubmit={submit}>
      <Text size="sm">{t('setup.explain')}</Text>
      <Alert color="yellow" role="note" title={t('privacy.backupTitle')}>
        {t('setup.keysWarning')}
      </Alert>
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
      <FormError message={formError} />
      <Button type="submit" loading={busy}>
        {t('setup.submit')}
      </Button>
    </AuthCard>
  );
}
