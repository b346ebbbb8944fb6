// Server mode: a banner while the Kontor server does not answer. Calls fail at once with a
// retryable error (nothing is kept back to send later); the banner tries again every few seconds
// and on demand, and once the server answers, every screen loads its data again.
import { Alert, Button, Group, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, onReachability } from '../lib/api';

const RETRY_MS = 5_000;

export function ServerBanner({ onBack }: { onBack?: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [down, setDown] = useState(false);

  useEffect(
    () =>
      onReachability((reachable) => {
        setDown(!reachable);
        if (reachable) {
          void client.invalidateQueries();
          onBack?.();
        }
      }),
    [client, onBack],
  );

  const retry = () => void call('system.ping', {}).catch(() => undefined);
  useEffect(() => {
    if (!down) return;
    const timer = setInterval(retry, RETRY_MS);
    return () => clearInterval(timer);
  }, [down]);

  if (!down) return null;
  return (
    <Alert color="red" role="alert" radius={0} py="xs" title={t('server.unreachable')}>
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm">{t('server.unreachableHelp')}</Text>
        <Button size="xs" variant="white" color="red" onClick={retry}>
          {t('server.retry')}
        </Button>
      </Group>
    </Alert>
  );
}
