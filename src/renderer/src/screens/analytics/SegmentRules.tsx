// The company's rules from RFM scores to segments, for an administrator: each rule names a segment
// and the recency and frequency scores (1–5) it takes; the first rule that matches decides. The
// main process refuses rules that leave a pair of scores without a segment; the next refresh uses
// the saved rules.
import { ActionIcon, Button, Card, Group, NumberInput, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { segments as SEGMENTS, type SegmentRule } from '../../../../shared/contract';
import { ErrorAlert } from '../../components/ErrorAlert';
import { notifySuccess } from '../../lib/notify';
import { useChange, useProcedure } from '../../lib/query';

type Range = [number, number];

function RangeInputs({ label, value, onChange }: { label: string; value: Range; onChange: (value: Range) => void }) {
  const { t } = useTranslation();
  const score = (n: number | string) => Math.min(5, Math.max(1, Math.round(Number(n) || 1)));
  return (
    <Group gap={4} wrap="nowrap">
      <NumberInput
        aria-label={t('analytics.rules.lowest', { what: label })}
        min={1}
        max={5}
        w={64}
        value={value[0]}
        onChange={(n) => onChange([score(n), value[1]])}
      />
      <Text size="sm">–</Text>
      <NumberInput
        aria-label={t('analytics.rules.highest', { what: label })}
        min={1}
        max={5}
        w={64}
        value={value[1]}
        onChange={(n) => onChange([value[0], score(n)])}
      />
    </Group>
  );
}

export function SegmentRules() {
  const { t } = useTranslation();
  const stored = useProcedure('analytics.segmentRules', {});
  const save = useChange('analytics.setSegmentRules');
  const [rules, setRules] = useState<SegmentRule[]>([]);
  useEffect(() => {
    if (stored.data) setRules(stored.data.rules.map((rule) => ({ ...rule })));
  }, [stored.data]);
  const change = (i: number, next: Partial<SegmentRule>) =>
    setRules(rules.map((rule, k) => (k === i ? { ...rule, ...next } : rule)));
  const submit = (value: SegmentRule[] | null) =>
    save.mutate({ rules: value }, { onSuccess: () => notifySuccess(t('analytics.rules.saved')) });
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">
        {t('analytics.rules.title')}
      </Title>
      <Stack gap="xs">
        <Text size="sm" c="dimmed">
          {t(stored.data?.isDefault === false ? 'analytics.rules.custom' : 'analytics.rules.defaults')}
        </Text>
        <ErrorAlert error={stored.error ?? save.error} />
        <Table aria-label={t('analytics.rules.title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('analytics.segment')}</Table.Th>
              <Table.Th>{t('analytics.rules.recency')}</Table.Th>
              <Table.Th>{t('analytics.rules.frequency')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rules.map((rule, i) => (
              <Table.Tr key={i} data-testid="segment-rule">
                <Table.Td>
                  <Select
                    aria-label={t('analytics.segment')}
                    data={SEGMENTS.map((segment) => ({ value: segment, label: t(`analytics.segments.${segment}`) }))}
                    value={rule.segment}
                    allowDeselect={false}
                    onChange={(value) => value && change(i, { segment: value })}
                  />
                </Table.Td>
                <Table.Td>
                  <RangeInputs
                    label={t('analytics.rules.recency')}
                    value={rule.recency}
                    onChange={(recency) => change(i, { recency })}
                  />
                </Table.Td>
                <Table.Td>
                  <RangeInputs
                    label={t('analytics.rules.frequency')}
                    value={rule.frequency}
                    onChange={(frequency) => change(i, { frequency })}
                  />
                </Table.Td>
                <Table.Td>
                  {rules.length > 1 && (
                    <ActionIcon
                      variant="subtle"
                      aria-label={t('analytics.rules.remove')}
                      onClick={() => setRules(rules.filter((_, k) => k !== i))}
                    >
                      ×
                    </ActionIcon>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Group justify="space-between">
          <Button
            size="xs"
            variant="default"
            onClick={() => setRules([...rules, { segment: 'lost', recency: [1, 5], frequency: [1, 5] }])}
          >
            {t('analytics.rules.add')}
          </Button>
          <Group gap="xs">
            <Button size="xs" variant="default" onClick={() => submit(null)} loading={save.isPending}>
              {t('analytics.rules.reset')}
            </Button>
            <Button size="xs" onClick={() => submit(rules)} loading={save.isPending}>
              {t('analytics.rules.save')}
            </Button>
          </Group>
        </Group>
      </Stack>
    </Card>
  );
}
