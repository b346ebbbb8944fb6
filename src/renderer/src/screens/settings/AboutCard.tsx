// About Kontor: the version, the update channel and where updates stand (with a check now), the
// open-source licences of what Kontor ships, and the support bundle IT may ask for.
import { Anchor, Button, Card, Group, Modal, ScrollArea, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UpdateState } from '../../../../shared/contract';
import { ErrorAlert } from '../../components/ErrorAlert';
import { call } from '../../lib/api';
import { base64ToBytes, download } from '../../lib/download';
import { useProcedure } from '../../lib/query';

/** Where this computer's updates stand, in a sentence. */
function UpdateLine({ state }: { state: UpdateState }) {
  const { t } = useTranslation();
  let line: string;
  if (state.state === 'disabled') line = t(`about.updates.disabled.${state.why}`);
  else if (state.state === 'up_to_date') line = t('about.updates.upToDate');
  else if (state.state === 'waiting') line = t('about.updates.waiting', { version: state.version });
  else if (state.state === 'downloading' || state.state === 'ready') {
    line = t('about.updates.found', { version: state.version });
  } else if (state.state === 'failed') {
    line = t('updates.failed', { reason: t(`updates.reasons.${state.reason}`) });
  } else line = t('about.updates.idle');
  return (
    <Text size="sm" role="status">
      {line}
    </Text>
  );
}

function Licences({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const loaded = useProcedure('app.licences', {});
  const [filter, setFilter] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  const packages = (loaded.data?.packages ?? []).filter((p) => p.name.includes(filter.trim().toLowerCase()));
  const text = shown === null ? null : (loaded.data?.texts[shown] ?? null);
  return (
    <Modal
      opened
      onClose={onClose}
      title={t('about.licences')}
      size="xl"
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <Stack>
        <ErrorAlert error={loaded.error} />
        <TextInput
          label={t('about.filter')}
          value={filter}
          onChange={(e) => setFilter(e.currentTarget.value)}
          data-autofocus
        />
        <Text size="sm" c="dimmed">
          {t('about.packages', { count: loaded.data?.packages.length ?? 0 })}
        </Text>
        <ScrollArea h={320}>
          <Table striped>
            <Table.Tbody>
              {packages.map((p) => (
                <Table.Tr key={`${p.name}@${p.version}`}>
                  <Table.Td>{p.name}</Table.Td>
                  <Table.Td>{p.version}</Table.Td>
                  <Table.Td>
                    {p.textId ? (
                      <Anchor component="button" type="button" onClick={() => setShown(p.textId)}>
                        {p.license ?? t('about.noLicence')}
                      </Anchor>
                    ) : (
                      (p.license ?? t('about.noLicence'))
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
        {text && (
          <ScrollArea h={200} type="auto">
            <Text size="xs" ff="monospace" style={{ whiteSpace: 'pre-wrap' }} aria-label={t('about.licenceText')}>
              {text}
            </Text>
          </ScrollArea>
        )}
      </Stack>
    </Modal>
  );
}

export function AboutCard() {
  const { t } = useTranslation();
  const about = useProcedure('app.about', {});
  const updates = useProcedure('updates.status', {});
  const [licences, setLicences] = useState(false);
  const [busy, setBusy] = useState<'check' | 'bundle' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [made, setMade] = useState<string | null>(null);

  async function run(kind: 'check' | 'bundle') {
    setBusy(kind);
    setError(null);
    try {
      if (kind === 'check') {
        await call('updates.check', {});
        await updates.refetch();
      } else {
        const bundle = await call('support.bundle', {});
        download(bundle.fileName, base64ToBytes(bundle.content), 'application/zip');
        setMade(bundle.fileName);
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }

  const info = about.data;
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Title order={3}>{t('about.title')}</Title>
        <ErrorAlert error={about.error ?? error} />
        {info && (
          <Text size="sm">
            {t('about.version', { version: info.version, channel: t(`about.channels.${info.channel}`) })}
          </Text>
        )}
        {updates.data && <UpdateLine state={updates.data} />}
        {made && (
          <Text size="sm" role="status">
            {t('about.bundleMade', { name: made })}
          </Text>
        )}
        <Group>
          {updates.data && updates.data.state !== 'disabled' && (
            <Button variant="default" loading={busy === 'check'} onClick={() => void run('check')}>
              {t('about.check')}
            </Button>
          )}
          <Button variant="default" onClick={() => setLicences(true)}>
            {t('about.licences')}
          </Button>
          <Button variant="default" loading={busy === 'bundle'} onClick={() => void run('bundle')}>
            {t('about.bundle')}
          </Button>
        </Group>
        <Text size="xs" c="dimmed">
          {t('about.bundleHelp')}
        </Text>
      </Stack>
      {licences && <Licences onClose={() => setLicences(false)} />}
    </Card>
  );
}
