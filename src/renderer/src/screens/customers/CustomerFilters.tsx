// The customer list's filters, column chooser and saved views. The screen holds the state; these
// controls show and change it. A view is the search, filters, order and columns under a name.
import {
  ActionIcon,
  Badge,
  Button,
  Checkbox,
  Group,
  Menu,
  MultiSelect,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  customerStatuses,
  listColumns,
  type ExportQuery,
  type ListColumn,
  type SavedView,
} from '../../../../shared/contract';
import { countryChoices } from '../../../../shared/reference-lists';
import { ConfirmModal } from '../../components/ConfirmModal';
import { FormModal } from '../../components/FormModal';
import { ErrorAlert } from '../../components/ErrorAlert';
import { notifySuccess } from '../../lib/notify';
import { useChange, useProcedure } from '../../lib/query';
import { useContractForm } from '../../lib/use-contract-form';

/** The list's filters (everything of a query but search and order). */
export type Filters = Omit<ExportQuery, 'search' | 'sort' | 'direction'>;

/** How many filters are set (shown on the Filters button). */
export function activeFilters(filters: Filters): number {
  return Object.values(filters).filter((v) => v !== undefined && !(Array.isArray(v) && v.length === 0)).length;
}

/** A filter without value is left out, so an empty filter never reaches the main process. */
function set<K extends keyof Filters>(filters: Filters, key: K, value: Filters[K] | null): Filters {
  const next = { ...filters };
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) {
    delete next[key];
  } else next[key] = value;
  return next;
}

export function FilterPanel({ filters, onChange }: { filters: Filters; onChange: (next: Filters) => void }) {
  const { t, i18n } = useTranslation();
  const owners = useProcedure('customers.owners', {});
  const language = i18n.language.startsWith('de') ? 'de' : 'en';
  const change =
    <K extends keyof Filters>(key: K) =>
    (value: Filters[K] | null) =>
      onChange(set(filters, key, value));
  const day = (key: 'createdFrom' | 'createdTo' | 'updatedFrom' | 'updatedTo') => (
    <TextInput
      type="date"
      label={t(`customers.filters.${key}`)}
      value={filters[key] ?? ''}
      onChange={(e) => change(key)(e.currentTarget.value || null)}
    />
  );
  return (
    <Paper withBorder p="sm" role="group" aria-label={t('customers.filters.title')}>
      <Stack gap="xs">
        <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
          <MultiSelect
            label={t('customers.columns.status')}
            data={customerStatuses.map((s) => ({ value: s, label: t(`customers.status.${s}`) }))}
            value={filters.status ?? []}
            onChange={(v) => change('status')(v)}
            clearable
          />
          <MultiSelect
            label={t('customers.fields.ownerId')}
            data={[
              { value: 'none', label: t('customers.filters.noOwner') },
              ...(owners.data ?? []).map((u) => ({ value: u.id, label: u.name })),
            ]}
            value={filters.owner ?? []}
            onChange={change('owner')}
            searchable
            clearable
          />
          <MultiSelect
            label={t('customers.filters.country')}
            data={countryChoices(language)}
            value={filters.country ?? []}
            onChange={change('country')}
            searchable
            clearable
          />
          <TagsInput
            label={t('customers.fields.tags')}
            description={t('customers.filters.tagsHint')}
            value={filters.tags ?? []}
            onChange={change('tags')}
            clearable
          />
          {day('createdFrom')}
          {day('createdTo')}
          {day('updatedFrom')}
          {day('updatedTo')}
        </SimpleGrid>
        <Group justify="space-between">
          <Stack gap={2}>
            <Text size="sm" fw={500} id="open-tasks-filter">
              {t('customers.filters.openTasks')}
            </Text>
            <SegmentedControl
              aria-labelledby="open-tasks-filter"
              size="xs"
              value={filters.openTasks === undefined ? 'any' : filters.openTasks ? 'yes' : 'no'}
              onChange={(v) => change('openTasks')(v === 'any' ? null : v === 'yes')}
              data={[
                { value: 'any', label: t('customers.filters.any') },
                { value: 'yes', label: t('customers.filters.withOpenTasks') },
                { value: 'no', label: t('customers.filters.withoutOpenTasks') },
              ]}
            />
          </Stack>
          <Button variant="subtle" size="xs" disabled={activeFilters(filters) === 0} onClick={() => onChange({})}>
            {t('customers.filters.clear')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/** Which columns the list shows; the name stays (it is each row's link). */
export function ColumnChooser({
  columns,
  onChange,
}: {
  columns: readonly ListColumn[];
  onChange: (next: ListColumn[]) => void;
}) {
  const { t } = useTranslation();
  const toggle = (column: ListColumn, on: boolean) =>
    onChange(listColumns.filter((c) => (c === column ? on : columns.includes(c))));
  return (
    <Menu position="bottom-end" closeOnItemClick={false}>
      <Menu.Target>
        <Button variant="default">{t('customers.columnsMenu')}</Button>
      </Menu.Target>
      <Menu.Dropdown>
        {listColumns.map((column) => (
          <Menu.Item key={column} component="div" closeMenuOnClick={false}>
            <Checkbox
              label={t(`customers.columns.${column}`)}
              checked={columns.includes(column)}
              disabled={column === 'name'}
              onChange={(e) => toggle(column, e.currentTarget.checked)}
            />
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

function SaveView({ view, onClose }: { view: Omit<SavedView, 'name'>; onClose: () => void }) {
  const { t } = useTranslation();
  const save = useChange('customers.saveView');
  const state = useContractForm({
    procedure: 'customers.saveView',
    initialValues: { name: '' },
    toInput: (values) => ({ name: values.name, query: view.query, columns: view.columns }),
    onSubmit: async (input) => {
      await save.mutateAsync(input);
      notifySuccess(t('customers.views.saved', { name: input.name.trim() }));
      onClose();
    },
  });
  return (
    <FormModal title={t('customers.views.saveTitle')} state={state} onClose={onClose}>
      <Text size="sm">{t('customers.views.saveExplain')}</Text>
      <TextInput label={t('customers.views.name')} required {...state.field('name')} data-autofocus />
    </FormModal>
  );
}

/** The user's saved views: apply one, save the current one, delete one. */
export function ViewsMenu({
  current,
  onApply,
}: {
  current: Omit<SavedView, 'name'>;
  onApply: (view: SavedView) => void;
}) {
  const { t } = useTranslation();
  const views = useProcedure('customers.views', {});
  const remove = useChange('customers.deleteView');
  const [saving, setSaving] = useState(false);
  const [deleting, setDeleting] = useState<SavedView | null>(null);
  return (
    <>
      <Menu position="bottom-end">
        <Menu.Target>
          <Button variant="default">
            {t('customers.views.button')}
            {views.data && views.data.length > 0 && (
              <Badge ml={6} size="xs" variant="light">
                {views.data.length}
              </Badge>
            )}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {(views.data ?? []).map((view) => (
            <Menu.Item
              key={view.name}
              onClick={() => onApply(view)}
              rightSection={
                <ActionIcon
                  component="span"
                  size="xs"
                  variant="subtle"
                  color="red"
                  aria-label={t('customers.views.delete', { name: view.name })}
                  onClick={(e: React.MouseEvent) => {
                    e.stopPropagation();
                    setDeleting(view);
                  }}
                >
                  ×
                </ActionIcon>
              }
            >
              {view.name}
            </Menu.Item>
          ))}
          {views.data && views.data.length > 0 && <Menu.Divider />}
          <Menu.Item onClick={() => setSaving(true)}>{t('customers.views.save')}</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <ErrorAlert error={views.error} />
      {saving && <SaveView view={current} onClose={() => setSaving(false)} />}
      {deleting && (
        <ConfirmModal
          title={t('customers.views.deleteTitle', { name: deleting.name })}
          confirmLabel={t('customers.views.deleteSubmit')}
          busy={remove.isPending}
          error={remove.error}
          onConfirm={() => remove.mutate({ name: deleting.name }, { onSuccess: () => setDeleting(null) })}
          onClose={() => setDeleting(null)}
        />
      )}
    </>
  );
}
