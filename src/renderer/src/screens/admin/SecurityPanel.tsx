// Sign-in and session rules: the installation's limits (installation administrators) and the
// company's "require 2FA".
import { Button, NumberInput, Stack, Switch, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SecuritySettings } from '../../../../shared/contract';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormError } from '../../components/FormError';
import { call } from '../../lib/api';
import { useCan } from '../../lib/auth';
import { notifySuccess } from '../../lib/notify';
import { useProcedure } from '../../lib/query';
import { useInvalidate } from '../../lib/use-actions';
import { useSubmit } from '../../lib/use-submit';

function SecurityForm({ initial }: { initial: SecuritySettings }) {
  const { t } = useTranslation();
  const installation = useCan('installation.manage');
  const invalidate = useInvalidate();
  const [values, setValues] = useState(initial);
  const { busy, errors, formError, submit } = useSubmit(async () => {
    // A company administrator sends only the company's own rule.
    setValues(await call('security.set', installation ? values : { requireTwoFactor: values.requireTwoFactor }));
    await invalidate('security');
    notifySuccess(t('security.saved'));
  });
  const number = (key: 'maxFailedLogins' | 'lockoutMinutes' | 'idleMinutes' | 'absoluteHours') => ({
    label: t(`security.${key}`),
    value: values[key],
    error: errors[key],
    disabled: !installation,
    onChange: (v: string | number) => setValues({ ...values, [key]: Number(v) }),
  });
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack maw={420}>
        {!installation && (
          <Text size="sm" c="dimmed">
            {t('security.installationOnly')}
          </Text>
        )}
        <NumberInput {...number('maxFailedLogins')} min={3} max={20} />
        <NumberInput {...number('lockoutMinutes')} min={1} max={1440} />
        <NumberInput {...number('idleMinutes')} min={1} max={240} />
        <NumberInput {...number('absoluteHours')} min={1} max={72} />
        <Switch
          label={t('security.requireTwoFactor')}
          checked={values.requireTwoFactor}
          onChange={(e) => setValues({ ...values, requireTwoFactor: e.currentTarget.checked })}
        />
        <FormError message={formError} />
        <Button type="submit" loading={busy} w="fit-content">
          {t('customers.save')}
        </Button>
      </Stack>
    </form>
  );
}

export function SecurityPanel() {
  const settings = useProcedure('security.get', {});
  if (settings.error) return <ErrorAlert error={settings.error} />;
  return settings.data ? <SecurityForm initial={settings.data} /> : null;
}
