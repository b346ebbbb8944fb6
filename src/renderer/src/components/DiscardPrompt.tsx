// Asks, inside a dialog, whether to throw away what the user typed.
import { Alert, Button, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export function DiscardPrompt({ onDiscard, onKeep }: { onDiscard: () => void; onKeep: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert color="yellow" role="alertdialog" aria-label={t('discard.title')}>
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm">{t('discard.question')}</Text>
        <Group gap="xs" wrap="nowrap">
          <Button size="xs" variant="default" onClick={onKeep} data-autofocus>
            {t('discard.keep')}
          </Button>
          <Button size="xs" color="red" onClick={onDiscard}>
            {t('discard.discard')}
          </Button>
        </Group>
      </Group>
    </Alert>
  );
}
