// Merging a duplicate into the open customer: find the duplicate, see what will happen, confirm.
// The open customer stays; the duplicate's history, contacts and activities come along.
import { Button, Group, Modal, Radio, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Customer } from '../../../../shared/contract';
import { ErrorAlert } from '../../components/ErrorAlert';
import { notifySuccess } from '../../lib/notify';
import { useChange, useProcedure } from '../../lib/query';

export function CustomerMerge({ customer, onMerged }: { customer: Customer; onMerged: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 250);
  const [chosen, setChosen] = useState<string | null>(null);
  const found = useProcedure('customers.list', { search: debounced, limit: 10 }, { enabled: open && debounced !== '' });
  const merge = useChange('customers.merge', { alsoInvalidates: ['contacts', 'activities'] });
  const candidates = (found.data?.items ?? []).filter((c) => c.id !== customer.id && c.erasedAt === null);
  const duplicate = candidates.find((c) => c.id === chosen);
  const close = () => {
    merge.reset();
    setOpen(false);
  };
  function run() {
    if (!duplicate) return;
    merge.mutate(
      {
        sourceId: duplicate.id,
        targetId: customer.id,
        sourceVersion: duplicate.version,
        targetVersion: customer.version,
      },
      {
        onSuccess: () => {
          setOpen(false);
          notifySuccess(t('customers.merge.done', { source: duplicate.number, target: customer.number }));
          onMerged();
        },
      },
    );
  }
  return (
    <>
      <Button variant="subtle" onClick={() => setOpen(true)}>
        {t('customers.merge.button')}
      </Button>
      <Modal
        opened={open}
        onClose={close}
        title={t('customers.merge.title', { name: customer.name })}
        closeButtonProps={{ 'aria-label': t('common.close') }}
        size="lg"
      >
        <Stack>
          <Text size="sm">{t('customers.merge.explain', { name: customer.name })}</Text>
          <TextInput
            label={t('customers.merge.find')}
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            data-autofocus
          />
          {candidates.length > 0 && (
            <Radio.Group label={t('customers.merge.duplicate')} value={chosen} onChange={setChosen}>
              <Stack gap={4} mt={4}>
                {candidates.map((c) => (
                  <Radio
                    key={c.id}
                    value={c.id}
                    label={`${c.number} ${c.name}${c.city ? `, ${c.city}` : ''}${c.email ? ` · ${c.email}` : ''}`}
                  />
                ))}
              </Stack>
            </Radio.Group>
          )}
          {debounced !== '' && found.data && candidates.length === 0 && (
            <Text size="sm" c="dimmed">
              {t('customers.noMatch', { search: debounced })}
            </Text>
          )}
          {duplicate && (
            <Text size="sm" fw={500} role="status">
              {t('customers.merge.what', { source: `${duplicate.number} ${duplicate.name}`, target: customer.number })}
            </Text>
          )}
          <ErrorAlert error={merge.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('customers.cancel')}
            </Button>
            <Button color="red" disabled={!duplicate} loading={merge.isPending} onClick={run}>
              {t('customers.merge.submit')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
