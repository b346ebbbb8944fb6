// Deleting a customer created by mistake. The main process decides whether it may go (nobody but
// its creator worked on it); otherwise the refusal explains that the customer is archived instead.
import { Button, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Customer } from '../../../../shared/contract';
import { ConfirmModal } from '../../components/ConfirmModal';
import { notifySuccess } from '../../lib/notify';
import { useChange } from '../../lib/query';

export function CustomerDelete({ customer, onDeleted }: { customer: Customer; onDeleted: () => void }) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const removing = useChange('customers.delete', { alsoInvalidates: ['customers'] });
  const close = () => {
    removing.reset();
    setAsking(false);
  };
  function remove() {
    removing.mutate(
      { id: customer.id, expectedVersion: customer.version },
      {
        onSuccess: () => {
          setAsking(false);
          notifySuccess(t('customers.deletedNotice', { number: customer.number }));
          onDeleted();
        },
      },
    );
  }
  return (
    <>
      <Button variant="subtle" color="red" onClick={() => setAsking(true)}>
        {t('customers.delete')}
      </Button>
      <ConfirmModal
        opened={asking}
        title={t('customers.deleteTitle', { name: customer.name })}
        confirmLabel={t('customers.deleteSubmit')}
        busy={removing.isPending}
        error={removing.error}
        disabled={removing.isError}
        onConfirm={remove}
        onClose={close}
      >
        <Text size="sm">{t('customers.deleteExplain')}</Text>
      </ConfirmModal>
    </>
  );
}
