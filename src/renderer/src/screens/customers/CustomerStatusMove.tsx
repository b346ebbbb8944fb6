// Moving a customer in its lifecycle: only along the defined edges (lead → prospect → active →
// inactive → archived, and back where that makes sense), always with a reason, which the history
// shows with who moved it and when. The main process checks the edge again.
import { Button, Group, Modal, Radio, Stack, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { statusEdges, type Customer, type CustomerStatus } from '../../../../shared/contract';
import { ErrorAlert } from '../../components/ErrorAlert';
import { notifySuccess } from '../../lib/notify';
import { useChange } from '../../lib/query';

export function CustomerStatusMove({ customer }: { customer: Customer }) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const [to, setTo] = useState<CustomerStatus | null>(null);
  const [reason, setReason] = useState('');
  const moving = useChange('customers.setStatus', { alsoInvalidates: ['customers'] });
  const targets = statusEdges[customer.status];
  if (targets.length === 0) return null;

  const close = () => {
    moving.reset();
    setAsking(false);
    setTo(null);
    setReason('');
  };
  function move() {
    if (!to || reason.trim() === '') return;
    moving.mutate(
      { id: customer.id, status: to, reason, expectedVersion: customer.version },
      {
        onSuccess: () => {
          notifySuccess(t('customers.statusMove.done', { name: customer.name, status: t(`customers.status.${to}`) }));
          close();
        },
      },
    );
  }

  return (
    <>
      <Button variant="default" size="xs" onClick={() => setAsking(true)}>
        {t('customers.statusMove.button')}
      </Button>
      <Modal
        opened={asking}
        onClose={close}
        title={t('customers.statusMove.title', { name: customer.name })}
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        <Stack>
          <Radio.Group
            label={t('customers.statusMove.to', { from: t(`customers.status.${customer.status}`) })}
            value={to}
            onChange={(value) => setTo(value)}
          >
            <Group mt="xs">
              {targets.map((status, i) => (
                <Radio key={status} value={status} label={t(`customers.status.${status}`)} data-autofocus={i === 0} />
              ))}
            </Group>
          </Radio.Group>
          <Textarea
            label={t('customers.statusMove.reason')}
            description={t('customers.statusMove.reasonHint')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            maxLength={500}
            autosize
            minRows={2}
            required
          />
          <ErrorAlert error={moving.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('customers.cancel')}
            </Button>
            <Button loading={moving.isPending} disabled={!to || reason.trim() === ''} onClick={move}>
              {t('customers.statusMove.submit')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
