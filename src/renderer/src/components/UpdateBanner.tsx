// An update of the desktop app: its download's progress, and once it is verified, a restart when
// the user chooses — not while a form holds unsaved input (the main process also refuses while an
// import or other long work runs). A failure that needs IT says so; one that retries by itself
// stays quiet.
import { Alert, Button, Group, Progress, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../lib/api';
import { describeError } from '../lib/describe-error';
import { useProcedure } from '../lib/query';
import { hasUnsavedWork } from '../lib/unsaved';

const POLL_MS = 5_000;

export function UpdateBanner() {
  const { t, i18n } = useTranslation();
  const status = useProcedure('updates.status', {}, { refetchInterval: POLL_MS }).data;
  const [problem, setProblem] = useState<string | null>(null);

  async function restart() {
    if (hasUnsavedWork()) {
      setProblem(t('updates.unsaved'));
      return;
    }
    try {
      await call('updates.restart', {});
    } catch (e) {
      setProblem(describeError(e, t, i18n.language));
    }
  }

  if (status?.state === 'downloading') {
    const percent = status.total > 0 ? Math.round((status.received / status.total) * 100) : 0;
    return (
      <Alert color="blue" role="status" radius={0} py="xs">
        <Text size="sm">{t('updates.downloading', { version: status.version, percent })}</Text>
        <Progress value={percent} size="sm" mt={4} aria-label={t('updates.progress')} />
      </Alert>
    );
  }
  if (status?.state === 'ready') {
    return (
      <Alert color="green" role="status" radius={0} py="xs">
        <Group justify="space-between" wrap="nowrap">
          <Text size="sm">{problem ?? t('updates.ready', { version: status.version })}</Text>
          <Button size="xs" variant="white" color="green" onClick={() => void restart()}>
            {t('updates.restart')}
          </Button>
        </Group>
      </Alert>
    );
  }
  if (status?.state === 'failed' && !status.retryable) {
    return (
      <Alert color="orange" role="status" radius={0} py="xs">
        <Text size="sm">{t('updates.failed', { reason: t(`updates.reasons.${status.reason}`) })}</Text>
      </Alert>
    );
  }
  return null;
}
