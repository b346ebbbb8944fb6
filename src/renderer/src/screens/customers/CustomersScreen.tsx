// The customer list: search, sort, filters and one scrolling list of every match; a customer
// opens at its own address (#/customers/ID), a new one at #/customers/new. Only the rows in view
// are rendered (list-window.ts) and loaded, a block of 100 at a time through TanStack Query, so a
// slower older search never replaces a newer one and the list refreshes after every change.
import {
  Badge,
  Button,
  Checkbox,
  Group,
  Box,
  Kbd,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue, useElementSize, useHotkeys, useMergedRef } from '@mantine/hooks';
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
import { listWindow, scrollTopOf } from './list-window';

/** Rows are loaded in blocks of this many (one query each; at most two are in view at once). */
const BLOCK = 100;
/** Every row has this height (px), so the list knows where any row is without measuring. */
const ROW_HEIGHT = 42;
const sortable: Partial<Record<ListColumn, CustomerSortKey>> = {
  number: 'number',
  name: 'name',
  email: 'email',
  city: 'city',
  status: 'status',
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
};

/** The row under the focus (its link carries the row's index in the whole list), if any. */
function focusedRow(): number | null {
  const index = (document.activeElement as HTMLElement | null)?.dataset['rowIndex'];
  return index === undefined ? null : Number(index);
}

export function CustomersScreen() {
  const { t, i18n } = useTranslation();
  const canWrite = useCan('customers.write');
  const [, go] = useArea();
  const [, opened] = useRoute<{ id: string }>('/customers/:id');
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 250);
  const [sort, setSort] = useState<CustomerSortKey>('name');
  const [direction, setDirection] = useState<'asc' | 'desc'>('asc');
  const searchRef = useRef<HTMLInputElement>(null);
  const tableRef = useRef<HTMLTableElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const size = useElementSize<HTMLDivElement>();
  const scrollerRef = useMergedRef(scrollRef, size.ref);
  const headRef = useRef<HTMLTableSectionElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  /** A row the keyboard moved to before it was rendered or loaded: focused once it is. */
  const [pendingFocus, setPendingFocus] = useState<number | null>(null);
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
  // A new search, order or filter starts at the top of its list.
  useEffect(() => {
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
    setScrollTop(0);
  }, [debounced, sort, direction, filters]);
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

  /** The search, filters and order as they are now: what the list shows and a saved view keeps. */
  const query = { ...(debounced && { search: debounced }), ...filters, sort, direction };
  const [total, setTotal] = useState<number | null>(null);
  const geometry = {
    total: total ?? 0,
    rowHeight: ROW_HEIGHT,
    viewport: Math.max(ROW_HEIGHT, size.height - (headRef.current?.offsetHeight ?? 0)),
  };
  const view = listWindow(scrollTop, geometry);
  const blocks = [Math.floor(view.first / BLOCK), Math.floor(Math.max(view.first, view.last) / BLOCK)] as const;
  const blockQuery = (block: number) => ({ ...query, limit: BLOCK, position: block * BLOCK });
  const listA = useProcedure('customers.list', blockQuery(blocks[0]));
  const listB = useProcedure('customers.list', blockQuery(blocks[1]), { enabled: blocks[1] !== blocks[0] });
  const data = listA.data ?? listB.data;
  useEffect(() => {
    if (data) setTotal(data.total);
  }, [data]);
  /** The loaded customer at a row of the whole list, if its block is here. */
  const rowAt = (index: number): CustomerSummary | undefined => {
    const page = Math.floor(index / BLOCK) === blocks[0] ? listA.data : listB.data;
    return page?.items[index - page.position];
  };
  const shown: { index: number; customer: CustomerSummary | undefined }[] = [];
  for (let index = view.first; index <= view.last; index++) shown.push({ index, customer: rowAt(index) });
  const pageIds = shown.flatMap(({ customer }) => (customer ? [customer.id] : []));

  /** The link of a row of the whole list, if it is rendered and loaded. */
  const rowLink = (index: number) =>
    tableRef.current?.querySelector<HTMLAnchorElement>(`a[data-row-index="${index}"]`) ?? null;

  /** Moves the focus to a row of the whole list, scrolling it into view first when it is not rendered. */
  function focusRow(index: number) {
    const target = Math.max(0, Math.min(geometry.total - 1, index));
    const link = rowLink(target);
    const box = scrollRef.current;
    if (link && box) {
      const row = link.closest('tr');
      const head = headRef.current?.offsetHeight ?? 0;
      // Rendered but under the sticky header or below the edge: scroll by as much as needed.
      if (row && row.offsetTop - head < box.scrollTop) box.scrollTop = row.offsetTop - head;
      else if (row && row.offsetTop + row.offsetHeight > box.scrollTop + box.clientHeight)
        box.scrollTop = row.offsetTop + row.offsetHeight - box.clientHeight;
      link.focus();
      return;
    }
    setPendingFocus(target);
    const top = scrollTopOf(target, geometry);
    if (box) box.scrollTop = top;
    setScrollTop(top);
  }
  useEffect(() => {
    if (pendingFocus === null) return;
    const link = rowLink(pendingFocus);
    if (!link) return;
    link.focus();
    setPendingFocus(null);
  });

  /** Arrow keys, Page Up/Down, Home and End move between rows; Enter on a row opens it (a link). */
  function moveBetweenRows(event: React.KeyboardEvent<HTMLElement>) {
    const at = focusedRow();
    if (at === null) return;
    const page = Math.max(1, Math.floor(geometry.viewport / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: at + 1,
      ArrowUp: at - 1,
      PageDown: at + page,
      PageUp: at - page,
      Home: 0,
      End: geometry.total - 1,
    };
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    focusRow(next);
  }

  function toggleSort(key: CustomerSortKey) {
    if (sort === key) setDirection((d) => (d === 'asc' ? 'desc' : 'asc'));
    else {
      setSort(key);
      setDirection('asc');
    }
  }

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
  const cell = (customer: CustomerSummary, column: ListColumn, index: number) => {
    switch (column) {
      case 'name':
        return (
          // The row's one way in: a link, reachable by keyboard and named for screen readers.
          <Link
            href={paths.customer(customer.id)}
            data-row-link={customer.id}
            data-row-index={index}
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

  return (
    <Stack>
      <Group justify="space-between">
        <Group gap="sm" align="baseline">
          <Title order={2}>{t('customers.title')}</Title>
          {data && (
            <Text c="dimmed" data-testid="customer-count">
              {t(data.exact ? 'customers.count' : data.atLeast ? 'customers.countMore' : 'customers.countAbout', {
                count: data.total,
              })}
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
          if (e.key !== 'ArrowDown' || geometry.total === 0) return;
          e.preventDefault();
          focusRow(listWindow(scrollTop, geometry, 0).first);
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
      <ErrorAlert error={listA.error ?? listB.error} />
      <Box
        ref={scrollerRef}
        data-testid="customer-list"
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        style={{ height: 'max(18rem, calc(100dvh - 21rem))', overflowY: 'auto' }}
      >
        <Table
          ref={tableRef}
          stickyHeader
          highlightOnHover
          verticalSpacing={0}
          aria-label={t('customers.title')}
          aria-rowcount={geometry.total + 1}
          aria-busy={listA.isFetching || listB.isFetching}
        >
          <Table.Thead ref={headRef}>
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
            {/* The rows above the window: one spacer. */}
            <tr aria-hidden style={{ height: view.offsetTop }} />
            {shown.map(({ index, customer }) =>
              customer ? (
                <Table.Tr key={customer.id} data-testid="customer-row" aria-rowindex={index + 2} h={ROW_HEIGHT}>
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
                    <Table.Td
                      key={column}
                      style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}
                    >
                      {cell(customer, column, index)}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ) : (
                // Not loaded yet: a row of the same height, so nothing jumps when it arrives.
                <Table.Tr key={`row-${index}`} aria-rowindex={index + 2} h={ROW_HEIGHT}>
                  <Table.Td colSpan={columns.length + 1} c="dimmed">
                    …
                  </Table.Td>
                </Table.Tr>
              ),
            )}
            <tr
              aria-hidden
              style={{
                height: Math.max(0, view.height - view.offsetTop - shown.length * ROW_HEIGHT),
              }}
            />
          </Table.Tbody>
        </Table>
      </Box>
      {data && data.total === 0 && (
        <Text c="dimmed">{debounced ? t('customers.noMatch', { search: debounced }) : t('customers.empty')}</Text>
      )}
      <Group justify="space-between">
        <Text size="xs" c="dimmed">
          {t('customers.shortcuts', { mod: modKey(t) })}
        </Text>
      </Group>
      {importing && <CustomerImportDialog onClose={() => setImporting(false)} />}
      {opened && <CustomerDialog id={opened.id} onClose={() => go(paths.area('customers'))} />}
    </Stack>
  );
}
