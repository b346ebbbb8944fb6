// Sign-in and session rules.
import { Alert, Button, NumberInput, Stack, Switch, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import type { SecuritySettings } from '../../../../shared/contract';
import { call } from '../../lib/api';
import { useCan } from '../../lib/auth';
import { useSubmit } from '../../lib/use-submit';

export function SecurityPanel() {
  const { t } = useTranslation();
  const [values, setValues] = useState<SecuritySettings | null>(null);
  const [saved, setSaved] = useState(false);
  const installation = useCan('installation.manage');
  useEffect(() => {
    call('security.get', {}).then(setValues, () => setValues(null));
  }, []);
  const { busy, errors, formError, submit } = useSubmit(async () => {
    // A company administrator sends only the company's own rule.
    if (values)
      setValues(await call('security.set', installation ? values : { requireTwoFactor: values.requireTwoFactor }));
    setSaved(true);
  });
  if (!values) return null;
  const number = (key: 'maxFailedLogins' | 'lockoutMinutes' | 'idleMinutes' | 'absoluteHours') => ({
    label: t(`security.${key}`),
    value: values[key],
    error: errors[key],
    disabled: !installation,
    onChange: (v: string | number) => {
      setSaved(false);
      setValues({ ...values, [key]: Number(v) });
    },
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
        {saved && <Alert color="teal">{t('security.saved')}</Alert>}
        <Button type="submit" loading={busy} w="fit-content">
          {t('customers.save')}
        </Button>
      </Stack>
    </form>
  );
}
