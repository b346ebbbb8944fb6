// 2FA enrolment: QR code and secret, confirmed by one code; then ten recovery codes, shown once.
import { Alert, Box, Button, Code, Group, List, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormError } from '../../components/FormError';
import { call } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useChange } from '../../lib/query';
import { useContractForm } from '../../lib/use-contract-form';

export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <Stack>
      <Alert color="yellow" title={t('twoFactor.recoveryTitle')}>
        {t('twoFactor.recoveryText')}
      </Alert>
      <List data-testid="recovery-codes" spacing={2}>
        {codes.map((c) => (
          <List.Item key={c}>
            <Code>{c}</Code>
          </List.Item>
        ))}
      </List>
      <Button onClick={onDone} w="fit-content">
        {t('twoFactor.saved')}
      </Button>
    </Stack>
  );
}

export function TwoFactorEnrol({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const auth = useAuth();
  const [codes, setCodes] = useState<string[] | null>(null);
  const begin = useChange('auth.totpBegin');
  const enrolment = begin.data;
  const confirm = useContractForm({
    procedure: 'auth.totpConfirm',
    initialValues: { code: '' },
    toInput: (values) => values,
    onSubmit: async (input) => setCodes((await call('auth.totpConfirm', input)).recoveryCodes),
  });

  if (codes) {
    return (
      <RecoveryCodes
        codes={codes}
        onDone={() => {
          auth.refresh();
          onDone();
        }}
      />
    );
  }
  if (!enrolment) {
    return (
      <Stack>
        <Text size="sm">{t('twoFactor.intro')}</Text>
        <ErrorAlert error={begin.error} />
        <Button onClick={() => begin.mutate({})} loading={begin.isPending} w="fit-content">
          {t('twoFactor.start')}
        </Button>
      </Stack>
    );
  }
  return (
    <form onSubmit={confirm.submit} noValidate aria-label={t('twoFactor.title')}>
      <Stack>
        <Text size="sm">{t('twoFactor.scan')}</Text>
        <Group align="flex-start">
          <Box w={180} h={180}>
            <img
              src={`data:image/svg+xml;utf8,${encodeURIComponent(enrolment.qrSvg)}`}
              alt={t('twoFactor.qr')}
              width={180}
              height={180}
            />
          </Box>
          <Stack gap={4}>
            <Text size="sm">{t('twoFactor.manual')}</Text>
            <Code data-testid="totp-secret">{enrolment.secret}</Code>
          </Stack>
        </Group>
        <TextInput
          label={t('auth.code')}
          {...confirm.field('code')}
          inputMode="numeric"
          autoComplete="one-time-code"
          required
        />
        <FormError message={confirm.formError} />
        <Button type="submit" loading={confirm.busy} w="fit-content">
          {t('twoFactor.confirm')}
        </Button>
      </Stack>
    </form>
  );
}
