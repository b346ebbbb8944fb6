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
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError';
import type { OutboxItem, SmtpSettings } from '../../../../shared/contract';
import { call } from '../../lib/api';
import { useSignedIn } from '../../lib/auth';
import { useContractForm } from '../../lib/use-contract-form';
import type { TFunction } from 'i18next';
import { mailErrorKind } from '../../../../shared/mail-errors';
import { AdminList } from '../../components/AdminList';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useChange, useProcedure } from '../../lib/query';
import { useActions } from '../../lib/use-actions';

/** A failed delivery as a sentence; the server's own text stays in Kontor's log. */
function mailErrorText(stored: string | null, t: TFunction): string {
  const kind = mailErrorKind(stored);
  return kind === null ? '' : t(`mail.errors.${kind}`);
}

function Outbox() {
  const { t, i18n } = useTranslation();
  const outbox = useProcedure('mail.outbox', {});
  const actions = useActions();
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'short' });
  const color = { pending: 'blue', sent: 'teal', failed: 'red' } as const;
  return (
    <Stack>
      <Title order={4}>{t('mail.outbox')}</Title>
      <AdminList
        label={t('mail.outbox')}
        rows={outbox.data}
        rowKey={(item) => item.id}
        error={outbox.error ?? actions.error}
        onDismissError={actions.dismiss}
        toolbar={
          <Button size="xs" variant="default" onClick={() => void outbox.refetch()}>
            {t('mail.refresh')}
          </Button>
        }
        columns={[
          { header: t('mail.to'), cell: (item) => item.to },
          { header: t('mail.subject'), cell: (item) => item.subject },
          {
            header: t('admin.state'),
            cell: (item) => <Badge color={color[item.status]}>{t(`mail.status.${item.status}`)}</Badge>,
          },
          {
            header: t('mail.attempts'),
            cell: (item) => (
              <>
                {item.attempts}
                {item.status === 'pending' && item.attempts > 0 && (
                  <Text size="xs" c="dimmed">
                    {t('mail.next', { at: format.format(new Date(item.nextAttemptAt)) })}
                  </Text>
                )}
              </>
            ),
          },
          { header: t('mail.error'), cell: (item) => <Text size="xs">{mailErrorText(item.lastError, t)}</Text> },
        ]}
        actions={(item: OutboxItem) =>
          item.status !== 'sent' && (
            <>
              <Button size="xs" variant="default" onClick={() => void actions.run('mail.retry', { id: item.id })}>
                {t('mail.retry')}
              </Button>
              <Button
                size="xs"
                variant="subtle"
                color="red"
                aria-label={t('mail.removeOne', { to: item.to })}
                onClick={() => void actions.run('mail.remove', { id: item.id })}
              >
                {t('mail.remove')}
              </Button>
            </>
          )
        }
      />
    </Stack>
  );
}

/** The SMTP server form, starting from the stored settings. */
function MailSettings({ initial }: { initial: SmtpSettings }) {
  const { t } = useTranslation();
  const me = useSignedIn();
  const [hasPassword, setHasPassword] = useState(initial.hasPassword);
  const [saved, setSaved] = useState(false);
  const sendTest = useChange('mail.sendTest');
  const test = sendTest.data ?? null;
  const { form, field, checkbox, busy, formError, submit } = useContractForm({
    procedure: 'mail.setSettings',
    initialValues: {
      host: initial.host,
      port: initial.port,
      security: initial.security,
      user: initial.user,
      from: initial.from,
      allowSelfSigned: initial.allowSelfSigned,
      password: '',
    },
    // An empty password field keeps the stored password. (An emptied port reads as 0.)
    toInput: ({ password, port, ...rest }) => ({
      ...rest,
      port: Number(port),
      ...(password !== '' && { password }),
    }),
    onSubmit: async (input) => {
      const next = await call('mail.setSettings', input);
      setHasPassword(next.hasPassword);
      form.setFieldValue('password', '');
      form.resetDirty({ ...form.getValues(), password: '' });
      setSaved(true);
    },
  });

  return (
    <Stack>
      <form onSubmit={submit} noValidate aria-label={t('mail.settings')}>
        <Stack maw={520}>
          <Title order={4}>{t('mail.settings')}</Title>
          <Group grow>
            <TextInput label={t('mail.host')} placeholder="smtp.firma.local" {...field('host')} required />
            <NumberInput label={t('mail.port')} min={1} max={65535} {...field('port')} />
          </Group>
          <Select
            label={t('mail.security')}
            allowDeselect={false}
            {...field('security')}
            data={[
              { value: 'starttls', label: 'STARTTLS' },
              { value: 'tls', label: 'TLS' },
              { value: 'none', label: t('mail.none') },
            ]}
          />
          <TextInput label={t('mail.user')} {...field('user')} autoComplete="off" />
          <PasswordInput
            label={t('mail.password')}
            description={hasPassword ? t('mail.passwordKept') : undefined}
            {...field('password')}
            autoComplete="new-password"
          />
          <TextInput label={t('mail.from')} placeholder="kontor@firma.de" {...field('from')} required />
          <Checkbox label={t('mail.allowSelfSigned')} {...checkbox('allowSelfSigned')} />
          <FormError message={formError} />
          <ErrorAlert error={sendTest.error} />
          {/* Until the next change. */}
          {saved && !form.isDirty() && <Alert color="teal">{t('security.saved')}</Alert>}
          <Group>
            <Button type="submit" loading={busy}>
              {t('customers.save')}
            </Button>
            <Button
              variant="default"
              loading={sendTest.isPending}
              onClick={() => sendTest.mutate({ to: me.user.email })}
            >
              {t('mail.sendTest', { to: me.user.email })}
            </Button>
          </Group>
          {test && (
            <Alert color={test.sent ? 'teal' : 'red'} role="status">
              {test.sent ? t('mail.testSent') : t('mail.testFailed', { error: mailErrorText(test.error, t) })}
            </Alert>
          )}
        </Stack>
      </form>
      <Outbox />
    </Stack>
  );
}

export function MailPanel() {
  const settings = useProcedure('mail.getSettings', {});
  if (settings.error) return <ErrorAlert error={settings.error} />;
  return settings.data ? <MailSettings initial={settings.data} /> : null;
}
