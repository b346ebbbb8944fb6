// The user's own account: password, two-factor authentication, recovery codes.
import { Alert, Badge, Button, Card, Group, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormError } from '../../components/FormError';
import { call } from '../../lib/api';
import { useAuth, useSignedIn } from '../../lib/auth';
import { useChange } from '../../lib/query';
import { useContractForm } from '../../lib/use-contract-form';
import { ChangePasswordForm } from '../auth/ChangePasswordForm';
import { RecoveryCodes, TwoFactorEnrol } from '../auth/TwoFactorEnrol';

function TwoFactorCard() {
  const { t } = useTranslation();
  const auth = useAuth();
  const status = useSignedIn();
  const [enrolling, setEnrolling] = useState(false);
  const [codes, setCodes] = useState<string[] | null>(null);
  /** Both buttons send the password: one turns 2FA off, the other makes new recovery codes. */
  const action = useRef<'disable' | 'codes'>('codes');
  const confirm = useContractForm({
    procedure: 'auth.totpDisable',
    initialValues: { password: '' },
    toInput: (values) => values,
    onSubmit: async (input) => {
      if (action.current === 'disable') auth.set(await call('auth.totpDisable', input));
      else setCodes((await call('auth.recoveryCodes', input)).recoveryCodes);
      confirm.form.reset();
    },
  });
  const run = (chosen: 'disable' | 'codes') => {
    action.current = chosen;
    confirm.submit();
  };

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
            <PasswordInput label={t('auth.password')} {...confirm.field('password')} autoComplete="current-password" />
            <FormError message={confirm.formError} />
            <Group>
              <Button
                variant="default"
                loading={confirm.busy && action.current === 'codes'}
                onClick={() => run('codes')}
              >
                {t('twoFactor.newCodes')}
              </Button>
              <Button
                color="red"
                variant="light"
                loading={confirm.busy && action.current === 'disable'}
                onClick={() => run('disable')}
              >
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
  const request = useChange('auth.requestVerification');
  /** What became of the last code requested here: on its way, or waiting for a mail server. */
  const sent = request.data ? (request.data.mailServer ? 'sending' : 'waiting') : null;
  const verify = useContractForm({
    procedure: 'auth.verifyEmail',
    initialValues: { code: '' },
    toInput: (values) => values,
    onSubmit: async (input) => {
      await call('auth.verifyEmail', input);
      auth.refresh();
    },
  });
  return (
    <Card withBorder>
      <Stack>
        <Group>
          <Title order={3}>{t('auth.email')}</Title>
          <Badge color={status.user.emailVerified ? 'teal' : 'gray'}>
            {status.user.emailVerified ? t('verify.confirmed') : t('verify.unconfirmed')}
          </Badge>
        </Group>
        <Text>{status.user.email}</Text>
        {!status.user.emailVerified && (
          <form onSubmit={verify.submit} noValidate aria-label={t('verify.title')}>
            <Stack>
              <Text size="sm" role="status">
                {sent === 'sending' ? t('verify.sent') : sent === 'waiting' ? t('verify.waiting') : t('verify.explain')}
              </Text>
              <TextInput
                label={t('forgot.code')}
                {...verify.field('code')}
                inputMode="numeric"
                autoComplete="one-time-code"
              />
              <FormError message={verify.formError} />
              <ErrorAlert error={request.error} />
              <Group>
                <Button type="submit" loading={verify.busy}>
                  {t('verify.confirm')}
                </Button>
                <Button variant="default" loading={request.isPending} onClick={() => request.mutate({})}>
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
