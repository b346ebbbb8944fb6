// GDPR actions on one customer: export everything held about them, or erase their personal data
// (after typing their name, so it never happens by a slip of the mouse).
import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Customer } from '../../../../shared/contract';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormError } from '../../components/FormError';
import { base64ToBytes, download } from '../../lib/download';
import { useContractForm } from '../../lib/use-contract-form';
import { notifySuccess } from '../../lib/notify';
import { useChange } from '../../lib/query';

export function CustomerGdpr({ customer, onErased }: { customer: Customer; onErased: (c: Customer) => void }) {
  const { t, i18n } = useTranslation();
  const [erasing, setErasing] = useState(false);
  const exporting = useChange('gdpr.export');
  function exportCustomer() {
    // German Excel splits CSV on semicolons.
    const csv = i18n.language.startsWith('de') ? 'semicolon' : 'comma';
    exporting.mutate(
      { customerId: customer.id, csv },
      { onSuccess: (file) => download(file.fileName, base64ToBytes(file.base64), 'application/zip') },
    );
  }
  // Erasing changes the customer list and the customer itself: both refresh.
  const eraseChange = useChange('gdpr.erase', { alsoInvalidates: ['customers'] });
  const erase = useContractForm({
    procedure: 'gdpr.erase',
    initialValues: { typed: '' },
    toInput: () => ({ customerId: customer.id }),
    onSubmit: async (input) => {
      const erased = await eraseChange.mutateAsync(input);
      setErasing(false);
      notifySuccess(t('privacy.erasedNotice'));
      onErased(erased);
    },
  });

  return (
    <>
      <ErrorAlert error={exporting.error} />
      <Group>
        <Button variant="default" size="xs" loading={exporting.isPending} onClick={exportCustomer}>
          {t('privacy.exportCustomer')}
        </Button>
        {customer.erasedAt === null && (
          <Button variant="subtle" color="red" size="xs" onClick={() => setErasing(true)}>
            {t('privacy.eraseCustomer')}
          </Button>
        )}
      </Group>
      <Modal
        opened={erasing}
        onClose={() => setErasing(false)}
        title={t('privacy.eraseTitle')}
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        <form onSubmit={erase.submit} noValidate aria-label={t('privacy.eraseTitle')}>
          <Stack>
            <Text size="sm">{t('privacy.eraseExplain')}</Text>
            <TextInput
              label={t('privacy.eraseConfirmLabel')}
              description={customer.name}
              {...erase.field('typed')}
              data-autofocus
            />
            <FormError message={erase.formError} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setErasing(false)}>
                {t('customers.cancel')}
              </Button>
              <Button
                type="submit"
                color="red"
                loading={erase.busy}
                disabled={erase.values.typed.trim() !== customer.name.trim()}
              >
                {t('privacy.eraseSubmit')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
