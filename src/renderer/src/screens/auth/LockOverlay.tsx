// The idle lock: a modal over the app, so what the user was typing stays where it was.
import { Button, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import { call } from '../../lib/api';
import { useAuth, useSignedIn } from '../../lib/auth';
import { useSubmit } from '../../lib/use-submit';

export function LockOverlay() {
  const { t } = useTranslation();
  const auth = useAuth();
  const status = useSignedIn();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const needsCode = status.user.twoFactor;

  const { busy, errors, formError, submit } = useSubmit(async () => {
    const result = await call('auth.unlock', { password, ...(needsCode && { code }) });
    setPassword('');
    setCode('');
    if (result.state !== 'second_factor_required') auth.set(result);
  });

  return (
    <Modal
      opened
      onClose={() => undefined}
      withCloseButton={false}
      closeOnEscape={false}
      closeOnClickOutside={false}
      title={t('auth.lockedTitle')}
      centered
      overlayProps={{ backgroundOpacity: 0.7, blur: 6 }}
    >
      <form onSubmit={(e) => void submit(e)} noValidate aria-label={t('auth.lockedTitle')}>
        <Stack>
          <Text size="sm">{t('auth.lockedText', { name: status.user.name })}</Text>
          <PasswordInput
            label={t('auth.password')}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={errors['password']}
            autoFocus
            data-autofocus
            autoComplete="current-password"
          />
          {needsCode && (
            <TextInput
              label={t('auth.code')}
              value={code}
              onChange={(e) => setCode(e.currentTarget.value)}
              error={errors['code']}
              autoComplete="one-time-code"
              inputMode="numeric"
            />
          )}
          <FormError message={formError} />
          <Button type="submit" loading={busy}>
            {t('auth.unlock')}
          </Button>
          <Button variant="subtle" onClick={() => void call('auth.logout', {}).then(auth.set)}>
            {t('auth.signOut')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}
