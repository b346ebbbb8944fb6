// The customer list: search, sort, pages; a customer opens at its own address (#/customers/ID),
// a new one at #/customers/new. Data through TanStack Query, so a slower older search never
// replaces a newer one and the list refreshes after every change.
import {
  Badge,
  Button,
  Checkbox,
  Group,
  Kbd,
  Pagination,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue, useHotkeys } from '@mantine/hooks';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useRoute } from 'wouter';
import {
  defaultListColumns,
  type CustomerSortKey,
  type CustomerSummary,
  type ListColumn,
  type SavedView,
} from '../../../../shared/contract';
import { paths, useArea } from '../../app/route';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useCan } from '../../lib/auth';
import { useProcedure } from '../../lib/query';
import { modKey } from '../../lib/shortcuts';
import { printPhone } from '../../../../shared/identifiers';
import { CustomerDialog } from './CustomerForm';
import { CustomerBulkBar } from './CustomerBulk';
import { activeFilters, ColumnChooser, FilterPanel, ViewsMenu, type Filters } from './CustomerFilters';
import { CustomerExportMenu, CustomerImportDialog } from './CustomerTransfer';

const PAGE_SIZE = 25;
const sortable: Partial<Record<ListColumn, CustomerSortKey>> = {
  number: 'number',
  name: 'name',
  email: 'email',
  city: 'city',
  status: 'status',
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
};

/** The row links of the table, in order: the keyboard moves between them. */
function rowLinks(table: HTMLElement | null): HTMLAnchorElement[] {
  return table ? [...table.querySelectorAll<HTMLAnchorElement>('a[data-row-link]')] : [];
}

/** Arrow keys, Home and End move the focus between rows; Enter on a row opens it (it is a link). */
function moveBetweenRows(event: React.KeyboardEvent<HTMLElement>) {
  const links = rowLinks(event.currentTarget);
  const at = links.indexOf(document.activeElement as HTMLAnchorElement);
  if (at < 0) return;
  const moves: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: links.length - 1 };
  const next = moves[event.key];
  if (next === undefined) return;
  event.preventDefault();
  links[Math.max(0, Math.min(links.length - 1, next))]?.focus();
}

export function CustomersScreen() {
  const { t, i18n } = useTranslation();
  const canWrite = useCan('customers.write');
  const [, go] = useArea();
  const [, opened] = useRoute<{ id: string }>('/customers/:id');
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 250);
  const [page, setPage] = useState(1);
  const [sort, setSort] = useState<CustomerSortKey>('name');
  const [direction, setDirection] = useState<'asc' | 'desc'>('asc');
  const searchRef = useRef<HTMLInputElement>(null);
  const tableRef = useRef<HTMLTableElement>(null);
  const lastOpened = useRef<string | null>(null);
  const [importing, setImporting] = useState(false);
  const [filters, setFilters] = useState<Filters>({});
  const [showFilters, setShowFilters] = useState(false);
  const [columns, setColumns] = useState<readonly ListColumn[]>(defaultListColumns);
  /** Customers ticked for a bulk action; kept across pages, searches and filters until cleared. */
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const toggle = (ids: readonly string[], on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });

  useHotkeys([
    // Ctrl/⌘ K opens the command palette (app/CommandPalette.tsx); `/` goes to the search.
    ['/', () => searchRef.current?.focus()],
    ['alt+N', () => canWrite && go(paths.newCustomer())],
  ]);
  useEffect(() => setPage(1), [debounced, sort, direction, filters]);
  // When a customer's dialog closes, the focus goes back to its row, where the user left the list.
  useEffect(() => {
    if (opened) {
      lastOpened.current = opened.id;
      return;
    }
    const id = lastOpened.current;
    lastOpened.current = null;
    if (id)
      requestAnimationFrame(() =>
        tableRef.current?.querySelector<HTMLAnchorElement>(`a[data-row-link="${id}"]`)?.focus(),
      );
  }, [opened]);

  const list = useProcedure(
    'customers.list',
    {
      ...(debounced && { search: debounced }),
      ...filters,
      sort,
      direction,
      limit: PAGE_SIZE,
      position: (page - 1) * PAGE_SIZE,
    },
    { keepPrevious: true },
  );
  const data = list.data;
  const pageIds = data?.items.map((c) => c.id) ?? [];

  function toggleSort(key: CustomerSortKey) {
    if (sort === key) setDirection((d) => (d === 'asc' ? 'desc' : 'asc'));
    else {
      setSort(key);
      setDirection('asc');
    }
  }

  /** The search, filters, order and columns as they are now: what a saved view keeps. */
  const query = { ...(debounced && { search: debounced }), ...filters, sort, direction };
  function applyView(view: SavedView) {
    const { search: viewSearch, sort: viewSort, direction: viewDirection, ...viewFilters } = view.query;
    setSearch(viewSearch ?? '');
    setSort(viewSort ?? 'name');
    setDirection(viewDirection ?? 'asc');
    setFilters(viewFilters);
    setShowFilters(activeFilters(viewFilters) > 0);
    setColumns(view.columns);
  }

  const dateFormat = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const cell = (customer: CustomerSummary, column: ListColumn) => {
    switch (column) {
      case 'name':
        return (
          // The row's one way in: a link, reachable by keyboard and named for screen readers.
          <Link
            href={paths.customer(customer.id)}
            data-row-link={customer.id}
            aria-label={t('customers.open', { name: customer.erasedAt ? t('privacy.erased') : customer.name })}
          >
            {customer.erasedAt ? (
              <Badge color="gray" variant="light">
                {t('privacy.erased')}
              </Badge>
            ) : (
              customer.name
            )}
          </Link>
        );
      case 'phone':
        return customer.phone && printPhone(customer.phone, customer.country ?? 'DE');
      case 'status':
        return t(`customers.status.${customer.status}`);
      case 'tags':
        return customer.tags.join(', ');
      case 'createdAt':
      case 'updatedAt':
        return dateFormat.format(new Date(customer[column]));
      default:
        return customer[column];
    }
  };
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;

  return (
    <Stack>
      <Group justify="space-between">
        <Group gap="sm" align="baseline">
          <Title order={2}>{t('customers.title')}</Title>
          {data && (
            <Text c="dimmed" data-testid="customer-count">
              {t(data.exact ? 'customers.count' : 'customers.countAbout', { count: data.total })}
            </Text>
          )}
        </Group>
        <Group gap="xs">
          <ViewsMenu current={{ query, columns: [...columns] }} onApply={applyView} />
          <ColumnChooser columns={columns} onChange={setColumns} />
          <Button variant="default" onClick={() => setShowFilters((v) => !v)} aria-expanded={showFilters}>
            {t('customers.filters.title')}
            {activeFilters(filters) > 0 && (
              <Badge ml={6} size="xs">
                {activeFilters(filters)}
              </Badge>
            )}
          </Button>
          <CustomerExportMenu query={query} columns={columns} />
          {canWrite && (
            <Button variant="default" onClick={() => setImporting(true)}>
              {t('customers.import.button')}
            </Button>
          )}
          {canWrite && (
            <Button component={Link} href={paths.newCustomer()}>
              {t('customers.new')}
            </Button>
          )}
        </Group>
      </Group>
      <TextInput
        ref={searchRef}
        type="search"
        label={t('customers.search')}
        placeholder={t('customers.searchPlaceholder')}
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        onKeyDown={(e) => {
          // Down from the search box goes to the first row.
          if (e.key !== 'ArrowDown') return;
          const first = rowLinks(tableRef.current)[0];
          if (!first) return;
          e.preventDefault();
          first.focus();
        }}
        rightSection={<Kbd size="xs">/</Kbd>}
      />
      {showFilters && <FilterPanel filters={filters} onChange={setFilters} />}
      {selected.size > 0 && (
        <CustomerBulkBar
          ids={[...selected]}
          sort={sort}
          direction={direction}
          columns={columns}
          canWrite={canWrite}
          onClear={() => setSelected(new Set())}
        />
      )}
      <ErrorAlert error={list.error} />
      <Table ref={tableRef} striped highlightOnHover aria-label={t('customers.title')} aria-busy={list.isFetching}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={32}>
              <Checkbox
                aria-label={t('customers.bulk.selectPage')}
                checked={pageIds.length > 0 && pageIds.every((id) => selected.has(id))}
                indeterminate={pageIds.some((id) => selected.has(id)) && !pageIds.every((id) => selected.has(id))}
                onChange={(e) => toggle(pageIds, e.currentTarget.checked)}
              />
            </Table.Th>
            {columns.map((column) => {
              const key = sortable[column];
              const label = t(`customers.columns.${column}`);
              const active = key !== undefined && sort === key;
              return (
                <Table.Th
                  key={column}
                  aria-sort={active ? (direction === 'asc' ? 'ascending' : 'descending') : undefined}
                >
                  {key ? (
                    <UnstyledButton
                      onClick={() => toggleSort(key)}
                      aria-label={t('customers.sortBy', { column: label })}
                    >
                      {label} {active ? (direction === 'asc' ? '▲' : '▼') : ''}
                    </UnstyledButton>
                  ) : (
                    label
                  )}
                </Table.Th>
              );
            })}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody onKeyDown={moveBetweenRows}>
          {data?.items.map((customer) => (
            <Table.Tr key={customer.id} data-testid="customer-row">
              <Table.Td>
                <Checkbox
                  aria-label={t('customers.bulk.select', {
                    name: customer.erasedAt ? t('privacy.erased') : customer.name,
                  })}
                  checked={selected.has(customer.id)}
                  onChange={(e) => toggle([customer.id], e.currentTarget.checked)}
                />
              </Table.Td>
              {columns.map((column) => (
                <Table.Td key={column}>{cell(customer, column)}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {data && data.total === 0 && (
        <Text c="dimmed">{debounced ? t('customers.noMatch', { search: debounced }) : t('customers.empty')}</Text>
      )}
      <Group justify="space-between">
        <Text size="xs" c="dimmed">
          {t('customers.shortcuts', { mod: modKey(t) })}
        </Text>
        {pages > 1 && <Pagination total={pages} value={page} onChange={setPage} />}
      </Group>
      {importing && <CustomerImportDialog onClose={() => setImporting(false)} />}
      {opened && <CustomerDialog id={opened.id} onClose={() => go(paths.area('customers'))} />}
    </Stack>
  );
}
