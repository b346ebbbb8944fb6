// Sign-in and session rules: the installation's limits (installation administrators) and the
// company's "require 2FA".
import { Button, NumberInput, Stack, Switch, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { SecuritySettings } from '../../../../shared/contract';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormError } from '../../components/FormError';
import { call } from '../../lib/api';
import { useCan } from '../../lib/auth';
import { notifySuccess } from '../../lib/notify';
import { useProcedure } from '../../lib/query';
import { useInvalidate } from '../../lib/use-actions';
import { useContractForm } from '../../lib/use-contract-form';

function SecurityForm({ initial }: { initial: SecuritySettings }) {
  const { t } = useTranslation();
  const installation = useCan('installation.manage');
  const invalidate = useInvalidate();
  const { form, field, checkbox, busy, formError, submit } = useContractForm({
    procedure: 'security.set',
    initialValues: initial,
    // A company administrator sends only the company's own rule. (An emptied number field reads as 0.)
    toInput: (values) =>
      installation
        ? {
            ...values,
            maxFailedLogins: Number(values.maxFailedLogins),
            lockoutMinutes: Number(values.lockoutMinutes),
            idleMinutes: Number(values.idleMinutes),
            absoluteHours: Number(values.absoluteHours),
          }
        : { requireTwoFactor: values.requireTwoFactor },
    onSubmit: async (input) => {
      const saved = await call('security.set', input);
      form.setValues(saved);
      form.resetDirty(saved);
      await invalidate('security');
      notifySuccess(t('security.saved'));
    },
  });
  const number = (key: 'maxFailedLogins' | 'lockoutMinutes' | 'idleMinutes' | 'absoluteHours') => ({
    label: t(`security.${key}`),
    disabled: !installation,
    ...field(key),
  });
  return (
    <form onSubmit={submit} noValidate aria-label={t('admin.security')}>
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
        <Switch label={t('security.requireTwoFactor')} {...checkbox('requireTwoFactor')} />
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
