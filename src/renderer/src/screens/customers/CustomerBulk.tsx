// Bulk actions on the customers selected in the list: tag, untag, give an owner, move the status,
// export. Each customer changes with its own event in the main process; the ones it cannot change
// (erased, a status move that is not allowed) are listed afterwards, the others are done.
import {
  Alert,
  Button,
  Group,
  List,
  Menu,
  Modal,
  Paper,
  Progress,
  Select,
  Stack,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  customerStatuses,
  type BulkAction,
  type BulkResult,
  type CustomerSortKey,
  type CustomerStatus,
  type ListColumn,
} from '../../../../shared/contract';
import { AppError } from '../../../../shared/errors';
import { callLong } from '../../lib/api';
import { describeError } from '../../lib/describe-error';
import { notifySuccess } from '../../lib/notify';
import { invalidateAreas, useProcedure } from '../../lib/query';
import { useLongCall } from '../../lib/use-long-call';
import { CustomerExportMenu } from './CustomerTransfer';

type ActionKind = BulkAction['kind'];

function ActionDialog({ kind, ids, onClose }: { kind: ActionKind; ids: readonly string[]; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const owners = useProcedure('customers.owners', {});
  const work = useLongCall();
  const [tags, setTags] = useState<string[]>([]);
  const [ownerId, setOwnerId] = useState<string | null>(null);
  const [status, setStatus] = useState<CustomerStatus | null>(null);
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<BulkResult | null>(null);
  const action: BulkAction | null =
    kind === 'addTags' || kind === 'removeTags'
      ? tags.length > 0
        ? { kind, tags }
        : null
      : kind === 'owner'
        ? { kind, ownerId: ownerId === 'none' ? null : ownerId }
        : status && reason.trim()
          ? { kind, status, reason }
          : null;
  const ready = action !== null && (kind !== 'owner' || ownerId !== null);

  async function apply() {
    if (!action) return;
    const done = await work.run((options) => callLong('customers.bulk', { ids: [...ids], action }, options));
    await invalidateAreas(client, ['customers', 'activities']);
    if (!done) return;
    if (done.failed.length === 0) {
      notifySuccess(t('customers.bulk.done', { count: done.changed + done.unchanged }));
      onClose();
    } else setResult(done);
  }

  const title = t(`customers.bulk.actions.${kind}`);
  return (
    <Modal opened onClose={onClose} title={title} closeButtonProps={{ 'aria-label': t('common.close') }}>
      <Stack>
        <Text size="sm">{t('customers.bulk.selected', { count: ids.length })}</Text>
        {(kind === 'addTags' || kind === 'removeTags') && (
          <TagsInput label={t('customers.fields.tags')} value={tags} onChange={setTags} data-autofocus />
        )}
        {kind === 'owner' && (
          <Select
            label={t('customers.fields.ownerId')}
            data={[
              { value: 'none', label: t('customers.filters.noOwner') },
              ...(owners.data ?? []).map((u) => ({ value: u.id, label: u.name })),
            ]}
            value={ownerId}
            onChange={setOwnerId}
            searchable
            data-autofocus
          />
        )}
        {kind === 'status' && (
          <>
            <Select
              label={t('customers.columns.status')}
              data={customerStatuses.map((s) => ({ value: s, label: t(`customers.status.${s}`) }))}
              value={status}
              onChange={(v) => setStatus(v)}
              data-autofocus
            />
            <TextInput label={t('history.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
          </>
        )}
        {work.running && work.progress && (
          <Progress
            value={work.progress.total ? (100 * work.progress.done) / work.progress.total : 0}
            aria-label={t('customers.bulk.progress')}
          />
        )}
        {work.error && <Alert color="red">{work.error}</Alert>}
        {result && (
          <Alert
            color="yellow"
            role="alert"
            title={t('customers.bulk.partly', { changed: result.changed + result.unchanged })}
          >
            <List size="sm">
              {result.failed.map((f) => (
                <List.Item key={f.id}>
                  {f.name ?? t('privacy.erased')}:{' '}
                  {describeError(
                    new AppError(f.code, f.message, f.reason ? { reason: f.reason } : undefined),
                    t,
                    i18n.language,
                  )}
                </List.Item>
              ))}
            </List>
          </Alert>
        )}
        <Group justify="flex-end">
          {work.running ? (
            <Button variant="default" onClick={work.cancel}>
              {t('customers.cancel')}
            </Button>
          ) : (
            <Button variant="default" onClick={onClose}>
              {result ? t('common.close') : t('customers.cancel')}
            </Button>
          )}
          {!result && (
            <Button onClick={() => void apply()} loading={work.running} disabled={!ready}>
              {t('customers.bulk.apply')}
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}

export function CustomerBulkBar({
  ids,
  sort,
  direction,
  columns,
  canWrite,
  onClear,
}: {
  ids: readonly string[];
  sort: CustomerSortKey;
  direction: 'asc' | 'desc';
  columns: readonly ListColumn[];
  canWrite: boolean;
  onClear: () => void;
}) {
  const { t } = useTranslation();
  const [acting, setActing] = useState<ActionKind | null>(null);
  const kinds: ActionKind[] = ['addTags', 'removeTags', 'owner', 'status'];
  return (
    <Paper withBorder p="xs" role="region" aria-label={t('customers.bulk.title')}>
      <Group justify="space-between">
        <Text size="sm" fw={500} role="status">
          {t('customers.bulk.selected', { count: ids.length })}
        </Text>
        <Group gap="xs">
          {canWrite && (
            <Menu position="bottom-end">
              <Menu.Target>
                <Button size="xs">{t('customers.bulk.button')}</Button>
              </Menu.Target>
              <Menu.Dropdown>
                {kinds.map((kind) => (
                  <Menu.Item key={kind} onClick={() => setActing(kind)}>
                    {t(`customers.bulk.actions.${kind}`)}
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
          )}
          <CustomerExportMenu query={{ ids: [...ids], sort, direction }} columns={columns} />
          <Button size="xs" variant="subtle" onClick={onClear}>
            {t('customers.bulk.clear')}
          </Button>
        </Group>
      </Group>
      {acting && <ActionDialog kind={acting} ids={ids} onClose={() => setActing(null)} />}
    </Paper>
  );
}
