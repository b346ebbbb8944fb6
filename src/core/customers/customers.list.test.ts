// Paging of the customer list: any position, either direction, any sort and filters give the rows
// a plain sort of the whole table gives, and a cursor continues exactly after its page. The lists
// here remember a key every 4 rows, so a few dozen customers cross many anchors.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerSortKeys, type CustomerListInput } from '../../shared/contract';
import { customerListInputSchema } from '../../shared/contract';
import { createKeyring } from '../crypto/keyring';
import { openTestKontor, testDialects, type TestKontor, value } from '../db/testing';
import { systemClock, uuidv7Source } from '../deps';
import type { ListOptions } from './customers.list.sql';
import { createCustomersRepo, type TenantCustomersRepo } from './customers.repo.sql';

const NAMES = ['Müller', 'mueller', 'Schmidt', 'Öztürk', 'Ada', 'ada', 'Zoë', 'Bäcker', 'Becker', 'Ärzte'];
const CITIES = ['Berlin', 'Köln', 'Wien', null];
const STATUSES = ['lead', 'prospect', 'active'] as const;
const COUNTRIES = ['DE', 'AT', null];
const TAGS = [[], ['VIP'], ['Messe', 'vip'], ['Messe']];

interface Stored {
  id: string;
  sort_name: string;
  number: string;
  email_sort: string;
  city_sort: string;
  status: string;
  country: string | null;
  owner_id: string | null;
  tags: string;
  created_at: string | Date;
  updated_at: string | Date;
}

const iso = (v: string | Date) => new Date(v).toISOString();

/** The order of the whole table, by plain comparison of each sort's key (test data is BMP text). */
function expected(all: readonly Stored[], input: ReturnType<typeof customerListInputSchema.parse>): string[] {
  const keyOf: Record<(typeof customerSortKeys)[number], (r: Stored) => string[]> = {
    name: (r) => [r.sort_name, r.number, r.id],
    number: (r) => [r.number, r.id],
    email: (r) => [r.email_sort, r.sort_name, r.number, r.id],
    city: (r) => [r.city_sort, r.sort_name, r.number, r.id],
    status: (r) => [r.status, r.sort_name, r.number, r.id],
    createdAt: (r) => [iso(r.created_at), r.sort_name, r.number, r.id],
    updatedAt: (r) => [iso(r.updated_at), r.sort_name, r.number, r.id],
  };
  const key = keyOf[input.sort];
  const compare = (a: string[], b: string[]) => {
    for (let i = 0; i < a.length; i++) {
      const x = a[i] ?? '';
      const y = b[i] ?? '';
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };
  return all
    .filter((r) => !input.status || input.status.includes(r.status as never))
    .filter((r) => !input.country || input.country.includes(r.country ?? ''))
    .filter((r) => !input.owner || input.owner.includes(r.owner_id ?? 'none'))
    .filter((r) =>
      (input.tags ?? []).every((t) =>
        (JSON.parse(r.tags) as string[]).some((x) => x.toLowerCase() === t.toLowerCase()),
      ),
    )
    .filter((r) => !input.createdFrom || iso(r.created_at) >= iso(input.createdFrom))
    .sort((a, b) => compare(key(a), key(b)) * (input.direction === 'asc' ? 1 : -1))
    .map((r) => r.id);
}

describe.each(testDialects)('customer list pages on %s', (dialect) => {
  let kontor: TestKontor;
  let repo: TenantCustomersRepo;
  /** The same lists, but a search of several words checks the driver's entries one by one. */
  let probing: TenantCustomersRepo;
  /** The same lists, reading words whole but ordering from all of the driver's entries. */
  let ordering: TenantCustomersRepo;
  /** A repository of the same store with other list options (tests make the limits small). */
  let withOptions: (options: ListOptions) => TenantCustomersRepo;
  let all: Stored[];
  let ownerId: string;

  beforeAll(async () => {
    let tick = Date.parse('2026-01-01T00:00:00Z');
    kontor = await openTestKontor(dialect, { clock: { now: () => new Date((tick += 60_000)) } });
    const status = value<{ tenant: { id: string }; user: { id: string } }>(await kontor.call('auth.status', {}));
    ownerId = status.user.id;
    for (let i = 0; i < 45; i++) {
      const name = NAMES[i % NAMES.length] ?? 'x';
      const city = CITIES[i % CITIES.length] ?? null;
      value(
        await kontor.call('customers.create', {
          name,
          email:
            i % 3 === 0 ? null : `${name.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '')}${i % 4}@example.org`,
          billingAddress: city ? { city, country: COUNTRIES[i % COUNTRIES.length] ?? null } : null,
          status: STATUSES[i % STATUSES.length],
          tags: TAGS[i % TAGS.length],
          ownerId: i % 2 === 0 ? ownerId : null,
        }),
      );
    }
    const store = await kontor.stores.tenant(status.tenant.id);
    const ids = uuidv7Source(systemClock);
    const keyring = createKeyring({
      db: store.sql,
      tenantId: status.tenant.id,
      master: randomBytes(32),
      clock: systemClock,
      ids,
    });
    withOptions = (options) => createCustomersRepo(store.sql, keyring, options);
    repo = createCustomersRepo(store.sql, keyring, { anchorEvery: 4 });
    probing = createCustomersRepo(store.sql, keyring, { anchorEvery: 4, setEntries: 0 });
    ordering = createCustomersRepo(store.sql, keyring, { anchorEvery: 4, orderedByList: 0 });
    all = await store.sql.rows<Stored & Record<string, unknown>>(
      sql`SELECT id, sort_name, number, email_sort, city_sort, status, country, owner_id, tags, created_at, updated_at
        FROM ${store.sql.table('customers')}`,
    );
    for (const row of all) row.id = String(row.id);
  });
  afterAll(async () => kontor.dispose());

  const page = async (input: CustomerListInput) => repo.list(customerListInputSchema.parse(input));
  const probed = async (input: CustomerListInput) => probing.list(customerListInputSchema.parse(input));
  const ordered = async (input: CustomerListInput) => ordering.list(customerListInputSchema.parse(input));

  const filters = fc.record(
    {
      status: fc.subarray([...STATUSES], { minLength: 1 }),
      country: fc.subarray(['DE', 'AT'], { minLength: 1 }),
      owner: fc.constantFrom<string[]>(['none'], ['owner']),
      tags: fc.constantFrom<string[]>(['vip'], ['Messe', 'VIP']),
      createdFrom: fc.constant('2026-01-01T00:20:00.000Z'),
    },
    { requiredKeys: [] },
  );
  // Most runs without filters: the whole table crosses the most anchors.
  const inputs = fc.record({
    sort: fc.constantFrom(...customerSortKeys),
    direction: fc.constantFrom('asc' as const, 'desc' as const),
    filters: fc.oneof({ weight: 2, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: filters }),
    limit: fc.integer({ min: 1, max: 12 }),
    position: fc.integer({ min: 0, max: 50 }),
  });

  it('gives at any position the rows of a sort of the whole table, and the cursor continues after them', async () => {
    await fc.assert(
      fc.asyncProperty(inputs, async ({ filters: chosen, ...rest }) => {
        const owner = 'owner' in chosen ? chosen.owner?.map((o) => (o === 'owner' ? ownerId : o)) : undefined;
        const input = { ...rest, ...chosen, ...(owner && { owner }) };
        const parsed = customerListInputSchema.parse(input);
        const want = expected(all, parsed);
        const got = await page(input);
        expect(got.total).toBe(want.length);
        expect(got.items.map((c) => c.id)).toEqual(want.slice(input.position, input.position + input.limit));
        if (got.next) {
          const next = await page({ ...input, cursor: got.next, position: input.position + input.limit });
          const from = input.position + input.limit;
          expect(next.items.map((c) => c.id)).toEqual(want.slice(from, from + input.limit));
        } else {
          expect(input.position + input.limit).toBeGreaterThanOrEqual(want.length);
        }
      }),
      { numRuns: 150 },
    );
  });

  const vocabulary = ['m', 'mu', 'muller', 'a', 'ad', 'b', 'be', 'ber', 'k', 'wien', 'vip', 'mess', 'z', 'example'];
  /** The search index as stored (read once: every call moves this suite's clock on by a minute). */
  let stored: Promise<{ word: string; customer_id: string }[]> | undefined;
  const indexedWords = async () =>
    (stored ??= kontor
      .call('auth.status', {})
      .then((status) => kontor.stores.tenant(value<{ tenant: { id: string } }>(status).tenant.id))
      .then((store) =>
        store.sql.rows<{ word: string; customer_id: string }>(
          sql`SELECT word, customer_id FROM ${store.sql.table('customer_words')}`,
        ),
      ));

  // Several words are answered in two ways: each word's entries read whole and intersected (the
  // default for words with few entries; the order from the found customers' entries or from all of
  // the driver's), or the driver's entries checked one by one.
  it.each([
    ['read whole', () => page],
    ['read whole, ordered from all entries', () => ordered],
    ['checked one by one', () => probed],
  ])('pages a search by cursor: every match once, the same order as one long page (%s)', async (_, pager) => {
    const page = pager();
    const words = await indexedWords();
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.constantFrom(...vocabulary), { minLength: 1, maxLength: 2 }),
        fc.integer({ min: 1, max: 7 }),
        async (terms, limit) => {
          const search = terms.join(' ');
          const whole = await page({ search, limit: 500 });
          const matching = new Set(
            all
              .map((r) => r.id)
              .filter((customer) =>
                terms.every((t) => words.some((x) => String(x.customer_id) === customer && x.word.startsWith(t))),
              ),
          );
          expect(new Set(whole.items.map((c) => c.id))).toEqual(matching);
          expect(whole.items).toHaveLength(matching.size);
          expect(whole.total).toBe(matching.size);
          const paged: string[] = [];
          let next: string | null | undefined;
          do {
            const part = await page({ search, limit, ...(next && { cursor: next }) });
            paged.push(...part.items.map((c) => c.id));
            next = part.next;
          } while (next && paged.length <= matching.size);
          expect(paged).toEqual(whole.items.map((c) => c.id));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('gives a search of several words with filters the same page both ways, and only matches', async () => {
    const words = await indexedWords();
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.constantFrom(...vocabulary), { minLength: 2, maxLength: 3 }),
        filters,
        fc.integer({ min: 1, max: 30 }),
        async (terms, chosen, limit) => {
          const owner = 'owner' in chosen ? chosen.owner?.map((o) => (o === 'owner' ? ownerId : o)) : undefined;
          const input = { search: terms.join(' '), limit, ...chosen, ...(owner && { owner }) };
          const filtered = new Set(expected(all, customerListInputSchema.parse({ ...input, search: undefined })));
          const matching = [...filtered].filter((customer) =>
            terms.every((t) => words.some((x) => String(x.customer_id) === customer && x.word.startsWith(t))),
          );
          const read = await page(input);
          const checked = await probed(input);
          const fromAll = await ordered(input);
          expect(read.items.map((c) => c.id)).toEqual(checked.items.map((c) => c.id));
          expect(fromAll.items.map((c) => c.id)).toEqual(checked.items.map((c) => c.id));
          expect(read.next).toEqual(checked.next);
          expect(read.total).toBe(matching.length);
          expect(read.exact).toBe(true);
          expect(read.items).toHaveLength(Math.min(limit, matching.length));
          for (const item of read.items) expect(matching).toContain(item.id);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('estimates the count of a broad search from a sample, and still lists every match', async () => {
    const sampling = withOptions({ countEntries: 6 });
    const exact = await page({ search: 'e', limit: 500 });
    const estimated = await sampling.list(customerListInputSchema.parse({ search: 'e', limit: 500 }));
    expect(exact.exact).toBe(true);
    expect(estimated.exact).toBe(false);
    expect(estimated.atLeast).toBeUndefined();
    expect(estimated.total).toBeGreaterThan(0);
    expect(estimated.items).toEqual(exact.items);
    // Counting stops before the driving word's entries end: the estimate is only a lower bound.
    const partly = withOptions({ countEntries: 6, driverProbe: 10 });
    for (const [search, limit] of [
      ['e', 500],
      ['e m', 1],
      ['e m', 2],
    ] as const) {
      const counted = await partly.list(customerListInputSchema.parse({ search, limit }));
      expect(counted.exact, search).toBe(false);
      expect(counted.atLeast, search).toBe(true);
      expect(counted.items, search).toEqual((await page({ search, limit })).items);
    }
    // A first page whose scan read every entry of the driving word counts exactly what it found.
    const whole = await page({ search: 'e m', limit: 500 });
    expect(await partly.list(customerListInputSchema.parse({ search: 'e m', limit: 500 }))).toMatchObject({
      exact: true,
      total: whole.total,
      items: whole.items,
    });
  });

  it('counts a search of several words from its first page as from a sample of its own (property)', async () => {
    // The count reuses the first page's checks; a second page (after a cursor) counts on its own.
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('e m', 'a e', 'e', 'm b', 'er'),
        // Samples smaller and larger than what a page's scan reads (its batches hold 12 or more rows).
        fc.integer({ min: 1, max: 150 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(undefined, ['active'] as const),
        async (search, countEntries, limit, status) => {
          const repo = withOptions({ countEntries, setEntries: 0 });
          const first = await repo.list(customerListInputSchema.parse({ search, limit, status }));
          if (!first.next) return;
          const second = await repo.list(customerListInputSchema.parse({ search, limit, status, cursor: first.next }));
          expect({ total: first.total, exact: first.exact }).toEqual({ total: second.total, exact: second.exact });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reaches the last page from the end, and an empty page past it', async () => {
    const last = await page({ sort: 'city', position: 44, limit: 5 });
    expect(last.items.map((c) => c.id)).toEqual(
      expected(all, customerListInputSchema.parse({ sort: 'city' })).slice(44),
    );
    expect(last.next).toBeNull();
    expect(await page({ position: 45 })).toMatchObject({ items: [], total: 45, position: 45, next: null });
  });

  it('answers pages asked for together while it builds the remembered keys', async () => {
    const input = { sort: 'email' as const, limit: 3 };
    const want = expected(all, customerListInputSchema.parse(input));
    const positions = [9, 17, 25, 13, 30, 21];
    const pages = await Promise.all(positions.map((position) => page({ ...input, position })));
    pages.forEach((got, i) => {
      const at = positions[i] ?? 0;
      expect(got.items.map((c) => c.id)).toEqual(want.slice(at, at + 3));
    });
  });

  it('refuses a cursor of another order, with a clear message', async () => {
    const first = await page({ sort: 'name', limit: 2 });
    await expect(page({ sort: 'city', cursor: first.next ?? '' })).rejects.toThrow(/another order or search/);
    await expect(page({ cursor: 'garbage' })).rejects.toThrow(/another order or search/);
  });

  it('sees a new customer at once (counts and remembered keys follow every change)', async () => {
    const before = await page({ position: 40, limit: 10 });
    value(await kontor.call('customers.create', { name: 'Aaron' }));
    const after = await page({ position: 40, limit: 10 });
    expect(after.total).toBe(before.total + 1);
    // Aaron sorts first, so every later row moved down by one.
    expect(after.items.slice(1).map((c) => c.id)).toEqual(before.items.slice(0, 9).map((c) => c.id));
    expect((await page({ limit: 1 })).items[0]?.name).toBe('Aaron');
  });
});
