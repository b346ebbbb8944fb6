// Importing transactions in the app, as `kontor sales import` does: a CSV/XLSX file, each column
// mapped to a field (customer, date, amount, …; guessed from English and German headers,
// changeable), or the CDNOW format; customers found by number or, when asked, made; a check first
// (nothing written), then the import with its progress, a cancel, and every rejected row with its
// reason.
import { Alert, Button, Checkbox, Group, Modal, Progress, Select, Stack, Text, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  saleImportFields,
  type SaleImportField,
  type SaleImportInspection,
  type SaleImportMapping,
  type SaleImportResult,
} from '../../../../shared/contract';
import { ColumnMapping } from '../../components/ColumnMapping';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RejectedRows } from '../../components/RejectedRows';
import { call, callLong, chooseFile } from '../../lib/api';
import { notifySuccess } from '../../lib/notify';
import { invalidateAreas } from '../../lib/query';
import { useLongCall } from '../../lib/use-long-call';

/** Rejected rows shown in the dialog; the count says how many there are in all. */
const SHOWN = 100;

export function SalesImportDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [file, setFile] = useState<{ fileId: string; name: string } | null>(null);
  const [format, setFormat] = useState<'csv' | 'cdnow'>('csv');
  /** The file's columns, read when it is imported as CSV or Excel; and which field each fills. */
  const [inspection, setInspection] = useState<SaleImportInspection | null>(null);
  const [mapping, setMapping] = useState<SaleImportMapping>({});
  const [createCustomers, setCreateCustomers] = useState(false);
  const [vat, setVat] = useState('0');
  const [currency, setCurrency] = useState('');
  const [choosing, setChoosing] = useState<unknown>(null);
  const [result, setResult] = useState<SaleImportResult | null>(null);
  const work = useLongCall();

  async function choose() {
    setChoosing(null);
    try {
      const chosen = await chooseFile({ mode: 'open', extensions: ['csv', 'xlsx', 'txt'] });
      if (!chosen) return;
      const cdnow = chosen.name.toLowerCase().endsWith('.txt');
      setFile(chosen);
      setFormat(cdnow ? 'cdnow' : 'csv');
      setInspection(null);
      setResult(null);
      if (!cdnow) await inspect(chosen.fileId);
    } catch (error) {
      setChoosing(error);
    }
  }

  async function inspect(fileId: string) {
    const found = await call('sales.inspectImport', { fileId });
    setInspection(found);
    setMapping(found.guess);
  }

  async function changeFormat(next: 'csv' | 'cdnow') {
    setFormat(next);
    setResult(null);
    setChoosing(null);
    if (next === 'csv' && file && !inspection) {
      try {
        await inspect(file.fileId);
      } catch (error) {
        setChoosing(error);
      }
    }
  }

  const fields = saleImportFields.map((field) => ({ value: field, label: t(`sales.import.fields.${field}`) }));

  async function start(dryRun: boolean) {
    if (!file) return;
    setResult(null);
    const done = await work.run((options) =>
      callLong(
        'sales.import',
        {
          fileId: file.fileId,
          format,
          ...(format === 'csv' && inspection && { mapping }),
          createCustomers,
          vatRate: Math.round(Number(vat) * 100),
          ...(currency.trim() && { currency: currency.trim() }),
          dryRun,
        },
        options,
      ),
    );
    if (!done) return;
    setResult(done);
    if (done.imported > 0) {
      await invalidateAreas(client, ['sales', 'customers', 'analytics']);
      notifySuccess(t('sales.import.importedNotice', { count: done.imported }));
    }
  }

  return (
    <Modal
      opened
      onClose={onClose}
      title={t('sales.import.title')}
      size="xl"
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <Stack>
        <Text size="sm" c="dimmed">
          {t('sales.import.explain')}
        </Text>
        <Group>
          <Button variant={file ? 'default' : 'filled'} onClick={() => void choose()} disabled={work.running}>
            {file ? t('customers.import.chooseOther') : t('customers.import.choose')}
          </Button>
          {file && (
            <Text size="sm" c="dimmed" data-testid="import-file">
              {file.name}
            </Text>
          )}
        </Group>
        <ErrorAlert error={choosing} />
        {file && (
          <>
            <Group align="flex-end">
              <Select
                label={t('sales.import.format')}
                data={[
                  { value: 'csv', label: t('sales.import.formats.csv') },
                  { value: 'cdnow', label: t('sales.import.formats.cdnow') },
                ]}
                value={format}
                allowDeselect={false}
                onChange={(value) => value && void changeFormat(value)}
              />
              <Select
                label={t('sales.vat')}
                data={['19', '7', '0'].map((rate) => ({ value: rate, label: `${rate} %` }))}
                value={vat}
                allowDeselect={false}
                onChange={(value) => value && setVat(value)}
              />
              <TextInput
                label={t('sales.currency')}
                placeholder={format === 'cdnow' ? 'USD' : 'EUR'}
                value={currency}
                onChange={(e) => setCurrency(e.currentTarget.value)}
                w={100}
              />
            </Group>
            {format === 'csv' && inspection && (
              <>
                <Text size="sm">{t('sales.import.mappingHint')}</Text>
                <ColumnMapping<SaleImportField>
                  inspection={inspection}
                  mapping={mapping}
                  fields={fields}
                  onChange={(column, field) => setMapping((current) => ({ ...current, [column]: field }))}
                />
              </>
            )}
            <Checkbox
              label={t('sales.import.createCustomers')}
              checked={createCustomers}
              onChange={(e) => setCreateCustomers(e.currentTarget.checked)}
            />
            <Group justify="flex-end">
              {work.running && (
                <Button variant="default" onClick={work.cancel}>
                  {t('analytics.cancel')}
                </Button>
              )}
              <Button variant="default" onClick={() => void start(true)} disabled={work.running}>
                {t('sales.import.check')}
              </Button>
              <Button onClick={() => void start(false)} loading={work.running}>
                {t('sales.import.start')}
              </Button>
            </Group>
          </>
        )}
        {work.running && (
          <Stack gap={4} role="status" aria-live="polite">
            <Text size="sm">{t('sales.import.progress', { count: work.progress?.done ?? 0 })}</Text>
            <Progress
              value={work.progress?.total ? (100 * work.progress.done) / work.progress.total : 0}
              aria-label={t('sales.import.title')}
            />
          </Stack>
        )}
        {work.cancelled && (
          <Text size="sm" role="status">
            {t('sales.import.cancelled')}
          </Text>
        )}
        {work.error && (
          <Alert color="red" role="alert">
            {work.error}
          </Alert>
        )}
        {result && (
          <Stack gap="xs" role="status">
            <Text size="sm" data-testid="import-result">
              {result.dryRun
                ? t('sales.import.checked', {
                    rows: result.rows,
                    rejected: result.rejected.length,
                    customers: result.customersCreated,
                  })
                : t('sales.import.done', {
                    imported: result.imported,
                    rejected: result.rejected.length,
                    customers: result.customersCreated,
                  })}
            </Text>
            <RejectedRows rows={result.rejected} label={t('sales.import.rejected')} shown={SHOWN} />
          </Stack>
        )}
      </Stack>
    </Modal>
  );
}
