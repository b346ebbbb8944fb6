import { Badge, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export function ComingSoon({ title }: { title: string }) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs">
      <Title order={2}>{title}</Title>
      <Badge variant="light">{t('app.coming')}</Badge>
      <Text c="dimmed">{t('app.comingText')}</Text>
    </Stack>
  );
}
