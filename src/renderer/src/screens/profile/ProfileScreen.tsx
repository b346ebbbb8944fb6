// The user's own account: password, two-factor authentication, recovery codes.
import { Alert, Badge, Button, Card, Group, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import { call } from '../../lib/api';
import { useAuth, useSignedIn } from '../../lib/auth';
import { useSubmit } from '../../lib/use-submit';
import { ChangePasswordForm } from '../auth/ChangePasswordForm';
import { RecoveryCodes, TwoFactorEnrol } from '../auth/TwoFactorEnrol';

function TwoFactorCard() {
  const { t } = useTranslation();
  const auth = useAuth();
  const status = useSignedIn();
  const [enrolling, setEnrolling] = useState(false);
  const [password, setPassword] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const disable = useSubmit(async () => {
    auth.set(await call('auth.totpDisable', { password }));
    setPassword('');
  });
  const regenerate = useSubmit(async () => {
    setCodes((await call('auth.recoveryCodes', { password })).recoveryCodes);
    setPassword('');
  });

  return (
    <Card withBorder>
      <Stack>
        <Group>
          <Title order={3}>{t('twoFactor.title')}</Title>
          <Badge color={status.user.twoFactor ? 'teal' : 'gray'}>
            {status.user.twoFactor ? t('twoFactor.on') : t('twoFactor.off')}
          </Badge>
        </Group>
        {codes && <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />}
        {!status.user.twoFactor && !enrolling && (
          <Button onClick={() => setEnrolling(true)} w="fit-content">
            {t('twoFactor.enable')}
          </Button>
        )}
        {!status.user.twoFactor && enrolling && <TwoFactorEnrol onDone={() => setEnrolling(false)} />}
        {status.user.twoFactor && !codes && (
          <>
            <PasswordInput
              label={t('auth.password')}
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              autoComplete="current-password"
            />
            <FormError message={disable.formError ?? regenerate.formError} />
            <Group>
              <Button variant="default" loading={regenerate.busy} onClick={() => void regenerate.submit()}>
                {t('twoFactor.newCodes')}
              </Button>
              <Button color="red" variant="light" loading={disable.busy} onClick={() => void disable.submit()}>
                {t('twoFactor.disable')}
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Card>
  );
}

function EmailCard() {
  const { t } = useTranslation();
  const auth = useAuth();
  const status = useSignedIn();
  const [code, setCode] = useState('');
  /** What became of the last code requested here: on its way, or waiting for a mail server. */
  const [sent, setSent] = useState<'sending' | 'waiting' | null>(null);
  const request = useSubmit(async () => {
    const result = await call('auth.requestVerification', {});
    setSent(result.mailServer ? 'sending' : 'waiting');
  });
  const verify = useSubmit(async () => {
    await call('auth.verifyEmail', { code });
    auth.refresh();
  });
  return (
    <Card withBorder>
      <Stack>
        <Group>
          <Title order={3}>{t('auth.email')}</Title>
          <Badge color={status.user.emailVerified ? 'teal' : 'yellow'}>
            {status.user.emailVerified ? t('verify.confirmed') : t('verify.unconfirmed')}
          </Badge>
        </Group>
        <Text>{status.user.email}</Text>
        {!status.user.emailVerified && (
          <form onSubmit={(e) => void verify.submit(e)} noValidate aria-label={t('verify.title')}>
            <Stack>
              <Text size="sm" role="status">
                {sent === 'sending' ? t('verify.sent') : sent === 'waiting' ? t('verify.waiting') : t('verify.explain')}
              </Text>
              <TextInput
                label={t('forgot.code')}
                value={code}
                onChange={(e) => setCode(e.currentTarget.value)}
                error={verify.errors['code']}
                inputMode="numeric"
                autoComplete="one-time-code"
              />
              <FormError message={verify.formError ?? request.formError} />
              <Group>
                <Button type="submit" loading={verify.busy}>
                  {t('verify.confirm')}
                </Button>
                <Button variant="default" loading={request.busy} onClick={() => void request.submit()}>
                  {t('verify.resend')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Stack>
    </Card>
  );
}

export function ProfileScreen() {
  const { t } = useTranslation();
  const status = useSignedIn();
  const [changed, setChanged] = useState(false);
  return (
    <Stack maw={640}>
      <Title order={2}>{t('profile.title')}</Title>
      <Text>
        {status.user.name} · {status.user.email}
      </Text>
      <Card withBorder>
        <Stack>
          <Title order={3}>{t('auth.changePassword')}</Title>
          {changed && (
            <Alert color="teal" role="status">
              {t('profile.passwordChanged')}
            </Alert>
          )}
          <ChangePasswordForm onDone={() => setChanged(true)} />
        </Stack>
      </Card>
      <EmailCard />
      <TwoFactorCard />
    </Stack>
  );
}
