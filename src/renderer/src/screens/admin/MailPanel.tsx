// SMTP settings, a test mail, and the outbox with what waits and what failed.
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  NumberInput,
  PasswordInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import type { OutboxItem, SmtpSettings } from '../../../../shared/contract';
import { call } from '../../lib/api';
import { useSignedIn } from '../../lib/auth';
import { useSubmit } from '../../lib/use-submit';

type Form = Omit<SmtpSettings, 'hasPassword' | 'configured'> & { password: string };

function Outbox() {
  const { t, i18n } = useTranslation();
  const [items, setItems] = useState<OutboxItem[]>([]);
  const load = useCallback(() => {
    call('mail.outbox', {}).then(setItems, () => setItems([]));
  }, []);
  useEffect(load, [load]);
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'short' });
  const color = { pending: 'yellow', sent: 'teal', failed: 'red' } as const;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={4}>{t('mail.outbox')}</Title>
        <Button size="xs" variant="default" onClick={load}>
          {t('mail.refresh')}
        </Button>
      </Group>
      <Table striped aria-label={t('mail.outbox')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('mail.to')}</Table.Th>
            <Table.Th>{t('mail.subject')}</Table.Th>
            <Table.Th>{t('admin.state')}</Table.Th>
            <Table.Th>{t('mail.attempts')}</Table.Th>
            <Table.Th>{t('mail.error')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((item) => (
            <Table.Tr key={item.id}>
              <Table.Td>{item.to}</Table.Td>
              <Table.Td>{item.subject}</Table.Td>
              <Table.Td>
                <Badge color={color[item.status]}>{t(`mail.status.${item.status}`)}</Badge>
              </Table.Td>
              <Table.Td>
                {item.attempts}
                {item.status === 'pending' && item.attempts > 0 && (
                  <Text size="xs" c="dimmed">
                    {t('mail.next', { at: format.format(new Date(item.nextAttemptAt)) })}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="xs">{item.lastError}</Text>
              </Table.Td>
              <Table.Td>
                {item.status !== 'sent' && (
                  <Group gap="xs" wrap="nowrap">
                    <Button
                      size="xs"
                      variant="default"
                      onClick={() => void call('mail.retry', { id: item.id }).then(load, load)}
                    >
                      {t('mail.retry')}
                    </Button>
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      aria-label={t('mail.removeOne', { to: item.to })}
                      onClick={() => void call('mail.remove', { id: item.id }).then(load, load)}
                    >
                      {t('mail.remove')}
                    </Button>
                  </Group>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

export function MailPanel() {
  const { t } = useTranslation();
  const me = useSignedIn();
  const [form, setForm] = useState<Form | null>(null);
  const [hasPassword, setHasPassword] = useState(false);
  const [saved, setSaved] = useState(false);
  const [test, setTest] = useState<{ sent: boolean; error: string | null } | null>(null);

  useEffect(() => {
    call('mail.getSettings', {}).then(
      (s) => {
        setHasPassword(s.hasPassword);
        setForm({
          host: s.host,
          port: s.port,
          security: s.security,
          user: s.user,
          from: s.from,
          allowSelfSigned: s.allowSelfSigned,
          password: '',
        });
      },
      () => setForm(null),
    );
  }, []);

  const save = useSubmit(async () => {
    if (!form) return;
    const { password, ...rest } = form;
    const next = await call('mail.setSettings', { ...rest, ...(password !== '' && { password }) });
    setHasPassword(next.hasPassword);
    setForm({ ...form, password: '' });
    setSaved(true);
  });
  const sendTest = useSubmit(async () => setTest(await call('mail.sendTest', { to: me.user.email })));

  if (!form) return null;
  const text = (key: 'host' | 'user' | 'from') => ({
    value: form[key],
    error: save.errors[key],
    onChange: (e: { currentTarget: { value: string } }) => {
      const value = e.currentTarget.value;
      setSaved(false);
      setForm((f) => f && { ...f, [key]: value });
    },
  });

  return (
    <Stack>
      <form onSubmit={(e) => void save.submit(e)} noValidate aria-label={t('mail.settings')}>
        <Stack maw={520}>
          <Title order={4}>{t('mail.settings')}</Title>
          <Group grow>
            <TextInput label={t('mail.host')} placeholder="smtp.firma.local" {...text('host')} required />
            <NumberInput
              label={t('mail.port')}
              value={form.port}
              min={1}
              max={65535}
              error={save.errors['port']}
              onChange={(v) => setForm({ ...form, port: Number(v) })}
            />
          </Group>
          <Select
            label={t('mail.security')}
            value={form.security}
            allowDeselect={false}
            onChange={(v) => v && setForm({ ...form, security: v })}
            data={[
              { value: 'starttls', label: 'STARTTLS' },
              { value: 'tls', label: 'TLS' },
              { value: 'none', label: t('mail.none') },
            ]}
          />
          <TextInput label={t('mail.user')} {...text('user')} autoComplete="off" />
          <PasswordInput
            label={t('mail.password')}
            description={hasPassword ? t('mail.passwordKept') : undefined}
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.currentTarget.value })}
            autoComplete="new-password"
          />
          <TextInput label={t('mail.from')} placeholder="kontor@firma.de" {...text('from')} required />
          <Checkbox
            label={t('mail.allowSelfSigned')}
            checked={form.allowSelfSigned}
            onChange={(e) => setForm({ ...form, allowSelfSigned: e.currentTarget.checked })}
          />
          <FormError message={save.formError} />
          {saved && <Alert color="teal">{t('security.saved')}</Alert>}
          <Group>
            <Button type="submit" loading={save.busy}>
              {t('customers.save')}
            </Button>
            <Button variant="default" loading={sendTest.busy} onClick={() => void sendTest.submit()}>
              {t('mail.sendTest', { to: me.user.email })}
            </Button>
          </Group>
          {test && (
            <Alert color={test.sent ? 'teal' : 'red'} role="status">
              {test.sent ? t('mail.testSent') : t('mail.testFailed', { error: test.error })}
            </Alert>
          )}
        </Stack>
      </form>
      <Outbox />
    </Stack>
  );
}
