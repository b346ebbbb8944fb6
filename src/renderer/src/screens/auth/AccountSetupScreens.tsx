// What a signed-in user must do before working: set an own password, or enrol 2FA.
import { Button, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { AuthCard } from '../../components/AuthCard';
import { call } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { ChangePasswordForm } from './ChangePasswordForm';
import { TwoFactorEnrol } from './TwoFactorEnrol';

function SignOut() {
  const { t } = useTranslation();
  const auth = useAuth();
  return (
    <Button variant="subtle" onClick={() => void call('auth.logout', {}).then(auth.set)}>
      {t('auth.signOut')}
    </Button>
  );
}

export function MustChangePasswordScreen() {
  const { t } = useTranslation();
  return (
    <AuthCard title={t('auth.mustChangeTitle')}>
      <Text size="sm">{t('auth.mustChangeText')}</Text>
      <ChangePasswordForm forced />
      <SignOut />
    </AuthCard>
  );
}

export function MustEnrollScreen() {
  const { t } = useTranslation();
  const auth = useAuth();
  return (
    <AuthCard title={t('twoFactor.requiredTitle')}>
      <Text size="sm">{t('twoFactor.requiredText')}</Text>
      <TwoFactorEnrol onDone={auth.refresh} />
      <SignOut />
    </AuthCard>
  );
}
