// Deleting a customer created by mistake. The main process decides whether it may go (nobody but
// its creator worked on it); otherwise the refusal explains that the customer is archived instead.
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Customer } from '../../../../shared/contract';
import { ErrorAlert } from '../../components/ErrorAlert';
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
      <Modal opened={asking} onClose={close} title={t('customers.deleteTitle', { name: customer.name })}>
        <Stack>
          <Text size="sm">{t('customers.deleteExplain')}</Text>
          <ErrorAlert error={removing.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close} data-autofocus>
              {t('customers.cancel')}
            </Button>
            <Button color="red" loading={removing.isPending} disabled={removing.isError} onClick={remove}>
              {t('customers.deleteSubmit')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
