// The security audit log as people read it: translated action names and readable details;
// search by words of the translated names, by who and by date; pages; CSV export; chain check.
import { Alert, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEntry, Input, Output } from '../../../../shared/contract';
import { toCsv } from '../../../../shared/csv';
import en from '../../locales/en.json';
import { AdminList } from '../../components/AdminList';
import { call } from '../../lib/api';
import { useCan } from '../../lib/auth';
import { download } from '../../lib/download';
import { useProcedure } from '../../lib/query';

const PAGE = 50;
/** Every action the log knows, as the translation files name them. */
const knownActions = Object.keys(en.auditActions).map((key) => key.replaceAll('_', '.'));
// Keys use _ for the dots of action names, which i18next would read as nesting; some names have _ too.
const actionKey = (action: string) => action.replaceAll('.', '_') as keyof typeof en.auditActions;

export function actionLabel(action: string, t: TFunction): string {
  const key = actionKey(action);
  return key in en.auditActions ? t(`auditActions.${key}`) : action;
}

/** Details as "name: value" pairs, in the order they were written. */
function readable(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' · ');
}

/** The day's start in the user's time zone, as the ISO moment the main process compares with. */
const dayStart = (day: string, offsetDays = 0) => {
  const date = new Date(`${day}T00:00:00`);
  date.setDate(date.getDate() + offsetDays);
  return date.toISOString();
};

export function AuditPanel() {
  const { t, i18n } = useTranslation();
  const installation = useCan('installation.manage');
  const [words, setWords] = useState('');
  const [actor, setActor] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [filter] = useDebouncedValue({ words: words.trim().toLowerCase(), actor: actor.trim(), from, to }, 250);
  /** Cursors of the pages before this one (newest first). */
  const [pages, setPages] = useState<number[]>([]);
  const [verified, setVerify] = useState<Output<'audit.verify'> | null>(null);
  const [verifyError, setVerifyError] = useState<unknown>(null);

  // Words match the translated names (and the codes): the main process gets the actions they name.
  const actions = filter.words
    ? knownActions.filter((a) => `${actionLabel(a, t)} ${a}`.toLowerCase().includes(filter.words))
    : undefined;
  const query: Input<'audit.list'> = {
    ...(actions && { actions }),
    ...(filter.actor && { actor: filter.actor }),
    ...(filter.from && { from: dayStart(filter.from) }),
    ...(filter.to && { to: dayStart(filter.to, 1) }),
    limit: PAGE,
  };
  const beforeSeq = pages.at(-1);
  const list = useProcedure('audit.list', { ...query, ...(beforeSeq && { beforeSeq }) }, { keepPrevious: true });
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'medium' });
  const resetPages = () => setPages([]);

  async function exportCsv() {
    const rows: AuditEntry[] = [];
    for (let before: number | undefined; ;) {
      const page = await call('audit.list', { ...query, limit: 500, ...(before && { beforeSeq: before }) });
      rows.push(...page.items);
      before = page.items.at(-1)?.seq;
      if (page.items.length < 500 || before === undefined) break;
    }
    const separator = i18n.language.startsWith('de') ? ';' : ',';
    const csv = toCsv(
      rows.map((e) => ({
        [t('audit.when')]: e.at,
        [t('audit.actor')]: e.actor,
        [t('audit.action')]: actionLabel(e.action, t),
        code: e.action,
        [t('audit.details')]: readable(e.details),
      })),
      undefined,
      separator,
    );
    download(`kontor-audit-${new Date().toISOString().slice(0, 10)}.csv`, new TextEncoder().encode(csv), 'text/csv');
  }

  return (
    <Stack>
      <Group align="flex-end">
        <TextInput
          label={t('audit.search')}
          placeholder={t('audit.searchPlaceholder')}
          value={words}
          onChange={(e) => {
            setWords(e.currentTarget.value);
            resetPages();
          }}
        />
        <TextInput
          label={t('audit.actor')}
          value={actor}
          onChange={(e) => {
            setActor(e.currentTarget.value);
            resetPages();
          }}
        />
        <TextInput
          type="date"
          label={t('audit.from')}
          value={from}
          onChange={(e) => {
            setFrom(e.currentTarget.value);
            resetPages();
          }}
        />
        <TextInput
          type="date"
          label={t('audit.to')}
          value={to}
          onChange={(e) => {
            setTo(e.currentTarget.value);
            resetPages();
          }}
        />
        <Button variant="default" onClick={() => void exportCsv()}>
          {t('audit.export')}
        </Button>
        {installation && (
          <Button variant="default" onClick={() => void call('audit.verify', {}).then(setVerify, setVerifyError)}>
            {t('audit.verify')}
          </Button>
        )}
      </Group>
      {verified && (
        <Alert color={verified.ok ? 'teal' : 'red'} role="status" data-testid="audit-verify">
          {verified.ok
            ? t('audit.intact', { count: verified.checked })
            : t('audit.broken', { seq: verified.firstBroken?.seq, problem: verified.firstBroken?.problem })}
        </Alert>
      )}
      {list.data && <Text c="dimmed">{t('audit.count', { count: list.data.total })}</Text>}
      <AdminList
        label={t('admin.audit')}
        rows={list.data?.items}
        rowKey={(e) => e.seq}
        rowTestId="audit-row"
        error={list.error ?? verifyError}
        empty={t('audit.noMatch')}
        columns={[
          { header: '#', cell: (e) => e.seq },
          { header: t('audit.when'), cell: (e) => format.format(new Date(e.at)) },
          { header: t('audit.actor'), cell: (e) => e.actor },
          { header: t('audit.action'), cell: (e) => <span title={e.action}>{actionLabel(e.action, t)}</span> },
          { header: t('audit.details'), cell: (e) => <Text size="xs">{readable(e.details)}</Text> },
        ]}
      />
      <Group justify="space-between">
        <Button variant="default" disabled={pages.length === 0} onClick={() => setPages((p) => p.slice(0, -1))}>
          {t('audit.newer')}
        </Button>
        <Button
          variant="default"
          disabled={!list.data || list.data.items.length < PAGE}
          onClick={() => {
            const last = list.data?.items.at(-1)?.seq;
            if (last !== undefined) setPages((p) => [...p, last]);
          }}
        >
          {t('audit.older')}
        </Button>
      </Group>
    </Stack>
  );
}
