// The centred card every sign-in, setup and unlock screen uses; a form when given onSubmit.
import { Center, Paper, Stack, Title } from '@mantine/core';
import type { FormEvent, ReactNode } from 'react';

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
      <Title order={2}>{title}</Title>
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
