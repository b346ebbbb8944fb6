// The command palette (Ctrl/⌘ K, from anywhere): screens and actions by name, and customers by
// search (the same search as the list, through the main process), all from the keyboard.
import { Group, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { Spotlight, spotlight } from '@mantine/spotlight';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Grant } from '../../../shared/contract';
import { useSignedIn } from '../lib/auth';
import { useProcedure } from '../lib/query';
import { navigation, paths } from './route';

interface Command {
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  readonly go: string;
  readonly needs: readonly Grant[];
}

/** A folded form for matching (case and accents ignored), as the customer search does. */
const fold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

export function CommandPalette({ go }: { go: (path: string) => void }) {
  const { t } = useTranslation();
  const status = useSignedIn();
  const [query, setQuery] = useState('');
  const [debounced] = useDebouncedValue(query.trim(), 200);
  const may = (needs: readonly Grant[]) => needs.length === 0 || needs.some((p) => status.permissions.includes(p));
  const canRead = may(['customers.read']);
  const customers = useProcedure(
    'customers.list',
    { search: debounced, limit: 8 },
    { enabled: canRead && debounced.length >= 2 },
  );
  const commands: Command[] = [
    ...navigation.map(({ route, needs }) => ({
      id: `screen-${route}`,
      label: t(`nav.${route}`),
      description: t('palette.screen'),
      go: paths.area(route),
      needs,
    })),
    {
      id: 'new-customer',
      label: t('customers.new'),
      description: t('palette.action'),
      go: paths.newCustomer(),
      needs: ['customers.write'],
    },
    {
      id: 'profile',
      label: t('profile.title'),
      description: t('palette.screen'),
      go: paths.area('profile'),
      needs: [],
    },
  ];
  const words = fold(query).split(/\s+/).filter(Boolean);
  const matching = commands.filter(
    (c) => may(c.needs) && words.every((w) => fold(`${c.label} ${c.description ?? ''}`).includes(w)),
  );
  const found = debounced.length >= 2 ? (customers.data?.items ?? []) : [];
  const open = (path: string) => {
    spotlight.close();
    go(path);
  };
  return (
    <Spotlight.Root
      query={query}
      onQueryChange={setQuery}
      shortcut={['mod + K']}
      tagsToIgnore={[]}
      scrollable
      maxHeight={420}
    >
      <Spotlight.Search placeholder={t('palette.placeholder')} aria-label={t('palette.title')} />
      <Spotlight.ActionsList>
        {matching.length > 0 && (
          <Spotlight.ActionsGroup label={t('palette.commands')}>
            {matching.map((c) => (
              <Spotlight.Action key={c.id} label={c.label} description={c.description} onClick={() => open(c.go)} />
            ))}
          </Spotlight.ActionsGroup>
        )}
        {found.length > 0 && (
          <Spotlight.ActionsGroup label={t('palette.customers')}>
            {found.map((c) => (
              <Spotlight.Action key={c.id} onClick={() => open(paths.customer(c.id))}>
                <Group wrap="nowrap" gap="sm">
                  <Text size="sm" c="dimmed">
                    {c.number}
                  </Text>
                  <Text size="sm">{c.erasedAt ? t('privacy.erased') : c.name}</Text>
                  {c.city && (
                    <Text size="xs" c="dimmed">
                      {c.city}
                    </Text>
                  )}
                </Group>
              </Spotlight.Action>
            ))}
          </Spotlight.ActionsGroup>
        )}
        {matching.length === 0 && found.length === 0 && (
          <Spotlight.Empty>{customers.isFetching ? t('palette.searching') : t('palette.nothing')}</Spotlight.Empty>
        )}
      </Spotlight.ActionsList>
    </Spotlight.Root>
  );
}
