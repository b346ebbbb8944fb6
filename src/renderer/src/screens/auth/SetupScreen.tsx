// First start: the company and its first administrator.
import { Alert, Button, PasswordInput, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import { AuthCard } from '../../components/AuthCard';
import { call } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useFormValues, useSubmit } from '../../lib/use-submit';

export function SetupScreen() {
  const { t } = useTranslation();
  const auth = useAuth();
  const { values, field: bind } = useFormValues({ company: '', name: '', email: '', password: '', confirm: '' });
  const { busy, errors, formError, setFormError, submit } = useSubmit(async () => {
    if (values.password !== values.confirm) {
      setFormError(t('auth.mismatch'));
      return;
    }
    const { confirm: _confirm, ...input } = values;
    auth.set(await call('auth.setup', input));
  });

  return (
    <AuthCard title={t('setup.title')} onSubmit={(e) => void submit(e)}>
      <Text size="sm">{t('setup.explain')}</Text>
      <Alert color="yellow" role="note" title={t('privacy.backupTitle')}>
        {t('setup.keysWarning')}
      </Alert>
      <TextInput label={t('setup.company')} {...bind('company', errors)} required autoFocus />
      <TextInput label={t('setup.adminName')} {...bind('name', errors)} required autoComplete="name" />
      <TextInput label={t('auth.email')} type="email" {...bind('email', errors)} required autoComplete="email" />
      <PasswordInput
        label={t('auth.password')}
        description={t('auth.passwordRules')}
        {...bind('password', errors)}
        required
        autoComplete="new-password"
      />
      <PasswordInput label={t('auth.confirm')} {...bind('confirm', errors)} required autoComplete="new-password" />
      <FormError message={formError} />
      <Button type="submit" loading={busy}>
        {t('setup.submit')}
      </Button>
    </AuthCard>
  );
}
