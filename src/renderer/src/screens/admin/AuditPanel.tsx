// The security audit log: filter, read, and check its hash chain.
import { Alert, Button, Code, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import type { Output } from '../../../../shared/contract';
import { call } from '../../lib/api';
import { useCan } from '../../lib/auth';

export function AuditPanel() {
  const { t, i18n } = useTranslation();
  const installation = useCan('installation.manage');
  const [action, setAction] = useState('');
  const [actor, setActor] = useState('');
  const [filter] = useDebouncedValue({ action: action.trim(), actor: actor.trim() }, 250);
  const [page, setPage] = useState<Output<'audit.list'> | null>(null);
  const [verify, setVerify] = useState<Output<'audit.verify'> | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    call('audit.list', {
      ...(filter.action && { action: filter.action }),
      ...(filter.actor && { actor: filter.actor }),
      limit: 200,
    }).then(setPage, (e: Error) => setError(e.message));
  }, [filter.action, filter.actor]);

  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'medium' });
  return (
    <Stack>
      <Group align="flex-end">
        <TextInput
          label={t('audit.action')}
          placeholder="auth.login"
          value={action}
          onChange={(e) => setAction(e.currentTarget.value)}
        />
        <TextInput label={t('audit.actor')} value={actor} onChange={(e) => setActor(e.currentTarget.value)} />
        {installation && (
          <Button
            variant="default"
            onClick={() => void call('audit.verify', {}).then(setVerify, (e: Error) => setError(e.message))}
          >
            {t('audit.verify')}
          </Button>
        )}
      </Group>
      <FormError message={error} />
      {verify && (
        <Alert color={verify.ok ? 'teal' : 'red'} role="status" data-testid="audit-verify">
          {verify.ok
            ? t('audit.intact', { count: verify.checked })
            : t('audit.broken', { seq: verify.firstBroken?.seq, problem: verify.firstBroken?.problem })}
        </Alert>
      )}
      {page && <Text c="dimmed">{t('audit.count', { count: page.total })}</Text>}
      <Table striped aria-label={t('admin.audit')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            <Table.Th>{t('audit.when')}</Table.Th>
            <Table.Th>{t('audit.actor')}</Table.Th>
            <Table.Th>{t('audit.action')}</Table.Th>
            <Table.Th>{t('audit.details')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {page?.items.map((e) => (
            <Table.Tr key={e.seq} data-testid="audit-row">
              <Table.Td>{e.seq}</Table.Td>
              <Table.Td>{format.format(new Date(e.at))}</Table.Td>
              <Table.Td>{e.actor}</Table.Td>
              <Table.Td>{e.action}</Table.Td>
              <Table.Td>
                <Code>{JSON.stringify(e.details)}</Code>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
