// The centred card every sign-in, setup and unlock screen uses; a form when given onSubmit. The
// language can be switched here too: before signing in there is no settings screen yet.
import { Center, Group, Paper, Stack, Title } from '@mantine/core';
import type { FormEvent, ReactNode } from 'react';
import { LanguageSwitch } from './LanguageSwitch';

export function AuthCard({
  title,
  onSubmit,
  children,
}: {
  title: string;
  onSubmit?: (e: FormEvent) => void;
  children: ReactNode;
}) {
  const body = (
    <Stack>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Title order={2}>{title}</Title>
        <LanguageSwitch labels="short" size="xs" />
      </Group>
      {children}
    </Stack>
  );
  return (
    <Center mih="100vh" p="md">
      {onSubmit ? (
        <Paper withBorder p="xl" maw={520} w="100%" component="form" onSubmit={onSubmit} noValidate aria-label={title}>
          {body}
        </Paper>
      ) : (
        <Paper withBorder p="xl" maw={520} w="100%">
          {body}
        </Paper>
      )}
    </Center>
  );
}
