// The customer list: search, sort, pages, and the form to create or edit.
import {
  Badge,
  Button,
  Group,
  Kbd,
  Notification,
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
import { FormError } from '../../components/FormError';
import type { Customer, CustomerPage, CustomerSortKey } from '../../../../shared/contract';
import { call } from '../../lib/api';
import { CustomerForm } from './CustomerForm';

const PAGE_SIZE = 25;
const columns = ['name', 'email', 'phone', 'city', 'updatedAt'] as const;
const sortable: Partial<Record<(typeof columns)[number], CustomerSortKey>> = {
  name: 'name',
  email: 'email',
  city: 'city',
  updatedAt: 'updatedAt',
};

export function CustomersScreen() {
  const { t, i18n } = useTranslation();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 250);
  const [page, setPage] = useState(1);
  const [sort, setSort] = useState<CustomerSortKey>('name');
  const [direction, setDirection] = useState<'asc' | 'desc'>('asc');
  const [data, setData] = useState<CustomerPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Customer | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const searchRef = useRef<HTMLInputElement>(null);

  useHotkeys([
    ['mod+K', () => searchRef.current?.focus()],
    ['alt+N', () => setEditing('new')],
  ]);

  useEffect(() => setPage(1), [debounced, sort, direction]);

  useEffect(() => {
    let current = true;
    call('customers.list', {
      ...(debounced && { search: debounced }),
      sort,
      direction,
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
    }).then(
      (result) => {
        if (!current) return;
        setData(result);
        setError(null);
      },
      (e: Error) => current && setError(t('errors.generic', { message: e.message })),
    );
    return () => {
      current = false;
    };
  }, [debounced, sort, direction, page, reload, t]);

  function toggleSort(key: CustomerSortKey) {
    if (sort === key) setDirection((d) => (d === 'asc' ? 'desc' : 'asc'));
    else {
      setSort(key);
      setDirection('asc');
    }
  }

  const dateFormat = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;

  return (
    <Stack>
      <Group justify="space-between">
        <Group gap="sm" align="baseline">
          <Title order={2}>{t('customers.title')}</Title>
          {data && (
            <Text c="dimmed" data-testid="customer-count">
              {t('customers.count', { count: data.total })}
            </Text>
          )}
        </Group>
        <Button onClick={() => setEditing('new')}>{t('customers.new')}</Button>
      </Group>
      <TextInput
        ref={searchRef}
        type="search"
        label={t('customers.search')}
        placeholder={t('customers.searchPlaceholder')}
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        rightSection={<Kbd size="xs">Ctrl K</Kbd>}
        rightSectionWidth={64}
      />
      {notice && (
        <Notification color="teal" onClose={() => setNotice(null)} role="status">
          {notice}
        </Notification>
      )}
      <FormError message={error} />
      <Table striped highlightOnHover aria-label={t('customers.title')}>
        <Table.Thead>
          <Table.Tr>
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
        <Table.Tbody>
          {data?.items.map((customer) => (
            <Table.Tr
              key={customer.id}
              tabIndex={0}
              style={{ cursor: 'pointer' }}
              onClick={() => setEditing(customer)}
              onKeyDown={(e) => e.key === 'Enter' && setEditing(customer)}
              data-testid="customer-row"
            >
              <Table.Td>
                {customer.erasedAt ? (
                  <Badge color="gray" variant="light">
                    {t('privacy.erased')}
                  </Badge>
                ) : (
                  customer.name
                )}
              </Table.Td>
              <Table.Td>{customer.email}</Table.Td>
              <Table.Td>{customer.phone}</Table.Td>
              <Table.Td>{customer.city}</Table.Td>
              <Table.Td>{dateFormat.format(new Date(customer.updatedAt))}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {data && data.total === 0 && (
        <Text c="dimmed">{debounced ? t('customers.noMatch', { search: debounced }) : t('customers.empty')}</Text>
      )}
      <Group justify="space-between">
        <Text size="xs" c="dimmed">
          {t('customers.shortcuts')}
        </Text>
        {pages > 1 && <Pagination total={pages} value={page} onChange={setPage} />}
      </Group>
      {editing !== null && (
        <CustomerForm
          customer={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(customer, created) => {
            setEditing(null);
            setNotice(
              customer.erasedAt
                ? t('privacy.erasedNotice')
                : t(created ? 'customers.created' : 'customers.saved', { name: customer.name }),
            );
            setReload((n) => n + 1);
          }}
        />
      )}
    </Stack>
  );
}
