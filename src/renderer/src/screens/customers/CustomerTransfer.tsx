// Import and export of customers. Import: choose a file, see its columns with example values and
// the fields they map to (guessed from English and German headers, changeable), check it (a dry
// run that lists every rejected row) and import it, with progress and a cancel. Export: the list's
// current search and order to CSV or Excel, in the user's language.
import {
  Alert,
  Button,
  Checkbox,
  Group,
  Menu,
  Modal,
  Progress,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  columnLabels,
  importFields,
  type CustomerListInput,
  type ExportColumn,
  type ImportInspection,
  type ImportMapping,
  type ImportMode,
  type ImportResult,
} from '../../../../shared/contract';
import { ColumnMapping } from '../../components/ColumnMapping';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RejectedRows } from '../../components/RejectedRows';
import { call, callLong, chooseFile, deliverFile } from '../../lib/api';
import { notifySuccess } from '../../lib/notify';
import { invalidateAreas, useChange, useProcedure } from '../../lib/query';
import { useLongCall } from '../../lib/use-long-call';

/** Rejected rows shown on screen; the count says how many there are in all. */
const SHOWN_REJECTIONS = 200;

const language = (code: string): 'de' | 'en' => (code.startsWith('de') ? 'de' : 'en');

export function CustomerImportDialog({ onClose }: { onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const labels = columnLabels[language(i18n.language)];
  const [file, setFile] = useState<{ fileId: string; name: string; inspection: ImportInspection } | null>(null);
  const [mapping, setMapping] = useState<ImportMapping>({});
  const [mode, setMode] = useState<ImportMode>('all');
  const [allowDuplicates, setAllowDuplicates] = useState(false);
  const [saveRejects, setSaveRejects] = useState(false);
  const [mappingName, setMappingName] = useState('');
  const saved = useProcedure('customers.importMappings', {});
  const saveMapping = useChange('customers.saveImportMapping');
  const [result, setResult] = useState<ImportResult | null>(null);
  const [choosing, setChoosing] = useState<unknown>(null);
  const work = useLongCall();

  async function choose() {
    setChoosing(null);
    try {
      const chosen = await chooseFile({ mode: 'open', extensions: ['csv', 'xlsx', 'txt'] });
      if (!chosen) return;
      const inspection = await call('customers.inspectImport', { fileId: chosen.fileId });
      setFile({ ...chosen, inspection });
      setMapping(inspection.guess);
      setResult(null);
    } catch (error) {
      setChoosing(error);
    }
  }

  async function start(dryRun: boolean) {
    if (!file) return;
    setResult(null);
    // Mode `valid` can write the rejected rows to a file of the user's, to correct and import again.
    const rejects =
      !dryRun && mode === 'valid' && saveRejects
        ? await chooseFile({ mode: 'save', extensions: ['csv'], name: t('customers.import.rejectsName') })
        : null;
    if (!dryRun && mode === 'valid' && saveRejects && !rejects) return;
    const done = await work.run((options) =>
      callLong(
        'customers.import',
        {
          fileId: file.fileId,
          mapping,
          mode,
          dryRun,
          allowDuplicates,
          ...(rejects && { rejectsFileId: rejects.fileId }),
        },
        options,
      ),
    );
    if (!done) return;
    setResult(done);
    if (rejects && done.rejected.length > 0) await deliverFile(rejects.fileId);
    if (done.imported > 0) {
      await invalidateAreas(client, ['customers']);
      notifySuccess(t('customers.import.importedNotice', { count: done.imported }));
    }
  }

  const progress = work.progress;

  return (
    <Modal
      opened
      onClose={onClose}
      title={t('customers.import.title')}
      size="xl"
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <Stack>
        <Group>
          <Button variant={file ? 'default' : 'filled'} onClick={() => void choose()} disabled={work.running}>
            {file ? t('customers.import.chooseOther') : t('customers.import.choose')}
          </Button>
          {file && (
            <Text size="sm" c="dimmed" data-testid="import-file">
              {t('customers.import.fileInfo', {
                name: file.name,
                format: file.inspection.format.toUpperCase(),
                details: [
                  file.inspection.encoding,
                  file.inspection.delimiter === '\t' ? 'Tab' : file.inspection.delimiter,
                ]
                  .filter(Boolean)
                  .join(', '),
              })}
            </Text>
          )}
        </Group>
        <ErrorAlert error={choosing} />
        {file && (
          <>
            <Text size="sm">{t('customers.import.mappingHint')}</Text>
            <Group align="end">
              {(saved.data?.length ?? 0) > 0 && (
                <Select
                  label={t('customers.import.savedMapping')}
                  placeholder={t('customers.import.savedMappingPick')}
                  data={(saved.data ?? []).map((m) => m.name)}
                  value={null}
                  onChange={(name) => {
                    const chosen = saved.data?.find((m) => m.name === name);
                    // Columns the saved mapping names take its field; the others keep theirs.
                    if (chosen)
                      setMapping((current) => ({ ...current, ...pick(chosen.mapping, file.inspection.header) }));
                  }}
                />
              )}
              <TextInput
                label={t('customers.import.saveMappingAs')}
                value={mappingName}
                onChange={(e) => setMappingName(e.currentTarget.value)}
              />
              <Button
                variant="default"
                disabled={mappingName.trim() === ''}
                loading={saveMapping.isPending}
                onClick={() =>
                  saveMapping.mutate(
                    { name: mappingName, mapping },
                    {
                      onSuccess: () => notifySuccess(t('customers.import.mappingSaved', { name: mappingName.trim() })),
                    },
                  )
                }
              >
                {t('customers.import.saveMapping')}
              </Button>
            </Group>
            <ErrorAlert error={saveMapping.error} />
            <ColumnMapping
              inspection={file.inspection}
              mapping={mapping}
              fields={importFields.map((field) => ({ value: field, label: labels[field] }))}
              onChange={(column, field) => setMapping((current) => ({ ...current, [column]: field }))}
            />
            <Group align="end">
              <SegmentedControl
                aria-label={t('customers.import.mode')}
                value={mode}
                onChange={(value) => setMode(value)}
                data={[
                  { value: 'all', label: t('customers.import.modeAll') },
                  { value: 'valid', label: t('customers.import.modeValid') },
                ]}
              />
              <Checkbox
                label={t('customers.import.allowDuplicates')}
                checked={allowDuplicates}
                onChange={(e) => setAllowDuplicates(e.currentTarget.checked)}
              />
              {mode === 'valid' && (
                <Checkbox
                  label={t('customers.import.saveRejects')}
                  checked={saveRejects}
                  onChange={(e) => setSaveRejects(e.currentTarget.checked)}
                />
              )}
            </Group>
            <Group justify="flex-end">
              {work.running ? (
                <Button variant="default" onClick={work.cancel}>
                  {t('customers.import.cancel')}
                </Button>
              ) : (
                <>
                  <Button variant="default" onClick={() => void start(true)}>
                    {t('customers.import.check')}
                  </Button>
                  <Button onClick={() => void start(false)}>{t('customers.import.run')}</Button>
                </>
              )}
            </Group>
          </>
        )}
        {work.running && (
          <Stack gap={4}>
            <Progress
              value={progress?.total ? (100 * progress.done) / progress.total : 100}
              animated={!progress?.total}
              aria-label={t('customers.import.progress')}
            />
            <Text size="sm" c="dimmed">
              {t('customers.import.rowsRead', { count: progress?.done ?? 0 })}
            </Text>
          </Stack>
        )}
        {work.cancelled && <Alert color="yellow">{t('customers.import.cancelled')}</Alert>}
        {work.error && <Alert color="red">{work.error}</Alert>}
        {result && <ImportOutcome result={result} />}
      </Stack>
    </Modal>
  );
}

/** The part of a saved mapping that names columns of this file. */
function pick(mapping: ImportMapping, header: readonly string[]): ImportMapping {
  return Object.fromEntries(Object.entries(mapping).filter(([column]) => header.includes(column)));
}

function ImportOutcome({ result }: { result: ImportResult }) {
  const { t } = useTranslation();
  const summary = result.dryRun
    ? t('customers.import.checked', { count: result.rows })
    : t('customers.import.imported', { count: result.imported });
  return (
    <Stack gap="xs" data-testid="import-result">
      <Alert color={result.rejected.length === 0 ? 'green' : 'yellow'}>
        {summary}{' '}
        {result.rejected.length === 0
          ? t('customers.import.noProblems')
          : t(result.mode === 'all' && !result.dryRun ? 'customers.import.rejectedAll' : 'customers.import.rejected', {
              count: result.rejected.length,
            })}
      </Alert>
      <RejectedRows rows={result.rejected} label={t('customers.import.problems')} shown={SHOWN_REJECTIONS} />
    </Stack>
  );
}

/** Exports the list as it is filtered and ordered now. */
export function CustomerExportMenu({
  query,
  columns,
}: {
  query: Omit<CustomerListInput, 'limit' | 'position' | 'cursor'>;
  /** The list's columns: the file holds what the screen shows. */
  columns?: readonly ExportColumn[];
}) {
  const { t, i18n } = useTranslation();
  const work = useLongCall();

  async function exportAs(format: 'csv' | 'xlsx') {
    const lang = language(i18n.language);
    const chosen = await chooseFile({
      mode: 'save',
      extensions: [format],
      name: `${lang === 'de' ? 'kunden' : 'customers'}.${format}`,
    });
    if (!chosen) return;
    const done = await work.run((options) =>
      callLong(
        'customers.export',
        { fileId: chosen.fileId, format, language: lang, query, ...(columns && { columns: [...columns] }) },
        options,
      ),
    );
    if (!done) return;
    await deliverFile(chosen.fileId);
    notifySuccess(t('customers.export.done', { count: done.rows }));
  }

  return (
    <>
      <Menu position="bottom-end">
        <Menu.Target>
          <Button variant="default" loading={work.running}>
            {t('customers.export.button')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => void exportAs('csv')}>{t('customers.export.csv')}</Menu.Item>
          <Menu.Item onClick={() => void exportAs('xlsx')}>{t('customers.export.xlsx')}</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      {work.error && <Alert color="red">{work.error}</Alert>}
    </>
  );
}
