// First start: the installation has no company yet. Sign-in and the first administrator come
// with the identity release; until then this creates the company every call runs in.
import { Button, Center, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call, isAppError } from '../../lib/api';
import { fieldErrors } from '../../lib/field-errors';

export function CompanySetupScreen({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call('tenants.setup', { name });
      onDone();
    } catch (e) {
      setError(
        isAppError(e) && e.code === 'validation' ? (fieldErrors(e, t)['name'] ?? e.message) : (e as Error).message,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder p="xl" maw={480} w="100%" component="form" onSubmit={submit} noValidate>
        <Stack>
          <Title order={2}>{t('setup.title')}</Title>
          <Text size="sm">{t('setup.explain')}</Text>
          <TextInput
            label={t('setup.company')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={error}
            required
            autoFocus
          />
          <Button type="submit" loading={busy}>
            {t('setup.submit')}
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}
