// 2FA enrolment: QR code and secret, confirmed by one code; then ten recovery codes, shown once.
import { Alert, Box, Button, Code, Group, List, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import type { Output } from '../../../../shared/contract';
import { call } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useSubmit } from '../../lib/use-submit';

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
  const [enrolment, setEnrolment] = useState<Output<'auth.totpBegin'> | null>(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);

  const begin = useSubmit(async () => setEnrolment(await call('auth.totpBegin', {})));
  const confirm = useSubmit(async () => {
    const result = await call('auth.totpConfirm', { code });
    setCodes(result.recoveryCodes);
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
        <FormError message={begin.formError} />
        <Button onClick={() => void begin.submit()} loading={begin.busy} w="fit-content">
          {t('twoFactor.start')}
        </Button>
      </Stack>
    );
  }
  return (
    <form onSubmit={(e) => void confirm.submit(e)} noValidate aria-label={t('twoFactor.title')}>
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
          value={code}
          onChange={(e) => setCode(e.currentTarget.value)}
          error={confirm.errors['code']}
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
