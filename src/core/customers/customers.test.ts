// The customers slice through the router, on every dialect: the same file runs on SQLite and Postgres.
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer, CustomerPage, LikelyDuplicate } from '../../shared/contract';
import type { Result } from '../../shared/errors';
import { openTestKontor, testDialects, type TestKontor, value } from '../db/testing';

describe.each(testDialects)('customers on %s', (dialect) => {
  let kontor: TestKontor;
  const call = <T = unknown>(name: string, input: unknown) => kontor.call(name, input) as Promise<Result<T>>;
  const find = async (search: string, input: object = {}) =>
    value(await call<CustomerPage>('customers.list', { search, ...input })).items.map((c) => c.name);
  const issuesOf = (result: Result<unknown>) =>
    result.ok ? [] : (result.error.details?.issues ?? []).map((i) => `${i.path}:${i.rule}`);

  beforeAll(async () => {
    kontor = await openTestKontor(dialect);
    value(await call('tenants.setup', { name: 'Muster GmbH' }));
  });
  afterAll(async () => kontor.dispose());

  it('creates a customer and reads it back', async () => {
    const created = value(
      await call<Customer>('customers.create', {
        name: '  Ada Lovelace ',
        email: 'ada@example.com',
        billingAddress: { city: '' },
      }),
    );
    expect(created).toMatchObject({
      kind: 'company',
      status: 'active',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      billingAddress: null,
      city: null,
      phone: null,
      tags: [],
      currency: 'EUR',
      version: 1,
    });
    expect(created.number).toMatch(/^K-\d{5}$/);
    expect(created.createdAt).toBe(created.updatedAt);
    expect(value(await call('customers.get', { id: created.id }))).toEqual(created);
  });

  it('keeps the whole record: identifiers in canonical form, phones as E.164, money in cents', async () => {
    const created = value(
      await call<Customer>('customers.create', {
        kind: 'company',
        name: 'Beispiel Handels GmbH',
        legalForm: 'GmbH',
        vatId: 'de 136.695.976',
        taxNumber: '143/123/45678',
        email: 'info@beispiel.de',
        phone: '030 1234567',
        mobile: '+49 151 23456789',
        website: 'beispiel.de',
        billingAddress: { street: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', country: 'de' },
        shippingAddress: { street: 'Lager 5', postalCode: '20095', city: 'Hamburg', country: 'DE' },
        bankAccount: { iban: 'DE89 3704 0044 0532 0130 00', bic: 'cobadeffxxx', holder: 'Beispiel' },
        paymentTerms: { days: 30, discountPercent: 2, discountDays: 10 },
        creditLimit: 500_000,
        currency: 'eur',
        language: 'DE',
        tags: ['Großkunde', 'Messe 2026', 'großkunde'],
        notes: 'Zahlt pünktlich',
        status: 'lead',
      }),
    );
    expect(created).toMatchObject({
      status: 'lead',
      vatId: 'DE136695976',
      phone: '+49301234567',
      mobile: '+4915123456789',
      website: 'https://beispiel.de',
      city: 'Berlin',
      country: 'DE',
      bankAccount: { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', holder: 'Beispiel' },
      paymentTerms: { days: 30, discountPercent: 2, discountDays: 10 },
      creditLimit: 500_000,
      currency: 'EUR',
      language: 'de',
      tags: ['Großkunde', 'Messe 2026'],
    });
    expect(value(await call('customers.get', { id: created.id }))).toEqual(created);
    // Secrets stay sealed in the projection; what people search by is readable there.
    const store = await kontor.currentStore();
    const [row] = await store.sql.rows(sql`SELECT * FROM ${store.sql.table('customers')} WHERE id = ${created.id}`);
    const raw = JSON.stringify(row);
    expect(raw).toContain('Beispiel Handels GmbH');
    for (const secret of ['DE89370400440532013000', '143/123/45678', 'pünktlich']) expect(raw).not.toContain(secret);
  });

  it('names a person from first and last name, and gives numbers from one sequence, never twice', async () => {
    const a = value(
      await call<Customer>('customers.create', { kind: 'person', firstName: 'Anna', lastName: 'Schmidt' }),
    );
    const b = value(await call<Customer>('customers.create', { kind: 'person', lastName: 'Öztürk' }));
    expect([a.name, b.name]).toEqual(['Anna Schmidt', 'Öztürk']);
    expect(Number(b.number.slice(2))).toBe(Number(a.number.slice(2)) + 1);
    const renamed = value(await call<Customer>('customers.update', { id: a.id, changes: { firstName: 'Anne' } }));
    expect(renamed).toMatchObject({ name: 'Anne Schmidt', number: a.number, version: 2 });
  });

  it('checks every field and the rules across them, and stores nothing on a broken rule', async () => {
    const before = value(await call<CustomerPage>('customers.list', {})).total;
    const cases: [object, string[]][] = [
      [{ name: 'Bad Mail', email: 'bad@' }, ['email:email']],
      [{ name: 'Bad VAT', vatId: 'DE123456789' }, ['vatId:vat_id']],
      [{ name: 'Bad IBAN', bankAccount: { iban: 'DE89370400440532013001' } }, ['bankAccount.iban:iban']],
      [{ name: 'Bad BIC', bankAccount: { iban: 'DE89370400440532013000', bic: 'XX' } }, ['bankAccount.bic:bic']],
      [{ name: 'Bad phone', phone: '030 12' }, ['phone:phone']],
      [{ name: 'Bad country', billingAddress: { country: 'XX' } }, ['billingAddress.country:country']],
      [{ name: 'Bad currency', currency: 'EURO' }, ['currency:max']],
      [{ name: 'Bad owner', ownerId: '0190b6a4-7c2e-7000-8000-000000000000' }, ['ownerId:owner']],
      [{ kind: 'company', name: ' ' }, ['name:required']],
      [{ kind: 'person', firstName: 'Only' }, ['lastName:required']],
    ];
    for (const [input, issues] of cases) {
      const result = await call('customers.create', input);
      expect(result, JSON.stringify(input)).toMatchObject({ ok: false, error: { code: 'validation' } });
      expect(issuesOf(result), JSON.stringify(input)).toEqual(issues);
    }
    expect(value(await call<CustomerPage>('customers.list', {})).total).toBe(before);
  });

  it('reads phone numbers without a country code in the country of the billing address', async () => {
    const swiss = value(
      await call<Customer>('customers.create', {
        name: 'Uhren AG',
        phone: '044 668 18 00',
        billingAddress: { country: 'CH' },
      }),
    );
    expect(swiss.phone).toBe('+41446681800');
  });

  it('updates some fields, bumps the version and keeps the rest', async () => {
    const created = value(
      await call<Customer>('customers.create', { name: 'Grace Hopper', billingAddress: { city: 'Arlington' } }),
    );
    const updated = value(
      await call<Customer>('customers.update', {
        id: created.id,
        expectedVersion: 1,
        changes: { email: 'grace@navy.mil', billingAddress: null },
      }),
    );
    expect(updated).toMatchObject({ name: 'Grace Hopper', email: 'grace@navy.mil', city: null, version: 2 });
    expect(value(await call('customers.get', { id: created.id }))).toEqual(updated);
  });

  it('refuses an update against a stale version with conflict and changes nothing', async () => {
    const created = value(await call<Customer>('customers.create', { name: 'Stale Version' }));
    value(await call('customers.update', { id: created.id, changes: { billingAddress: { city: 'Bonn' } } }));
    const result = await call('customers.update', {
      id: created.id,
      expectedVersion: 1,
      changes: { billingAddress: { city: 'Köln' } },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(value(await call<Customer>('customers.get', { id: created.id })).city).toBe('Bonn');
  });

  it('makes changes sent at once without a version one after another, none refused', async () => {
    const created = value(await call<Customer>('customers.create', { name: 'Viele Hände' }));
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        call<Customer>('customers.update', { id: created.id, changes: { website: `https://hand${i}.example` } }),
      ),
    );
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(value(await call<Customer>('customers.get', { id: created.id })).version).toBe(7);
  });

  it('moves a customer only along the lifecycle edges, each move with a reason in the history', async () => {
    const lead = value(await call<Customer>('customers.create', { name: 'Funnel KG', status: 'lead' }));
    const move = (status: string, reason = 'because') =>
      call<Customer>('customers.setStatus', { id: lead.id, status, reason });
    expect(await move('inactive')).toMatchObject({
      ok: false,
      error: { code: 'conflict', details: { reason: 'status_edge' } },
    });
    expect(issuesOf(await move('prospect', ' '))).toEqual(['reason:required']);
    expect(value(await move('prospect', 'Angebot angefragt')).status).toBe('prospect');
    expect(value(await move('active', 'Erster Auftrag')).status).toBe('active');
    expect((await move('lead')).ok).toBe(false);
    expect(value(await move('archived', 'Geschäft aufgegeben')).status).toBe('archived');
    expect(value(await move('active', 'Wieder da')).status).toBe('active');
    const history = value<{ type: string; changes: Record<string, unknown> }[]>(
      await call('customers.history', { id: lead.id }),
    );
    expect(history.filter((h) => h.type === 'customer.status_changed').map((h) => h.changes)).toEqual([
      { status: 'prospect', reason: 'Angebot angefragt' },
      { status: 'active', reason: 'Erster Auftrag' },
      { status: 'archived', reason: 'Geschäft aufgegeben' },
      { status: 'active', reason: 'Wieder da' },
    ]);
    expect(await find('Funnel', { status: ['archived'] })).toEqual([]);
    expect(await find('Funnel', { status: ['active'] })).toEqual(['Funnel KG']);
  });

  it('searches words in any order, without regard to case, accents or German spellings', async () => {
    value(
      await call('customers.create', {
        name: 'Jürgen Weiß',
        email: 'jw@muster.de',
        billingAddress: { city: 'München', street: 'Straße der Einheit 4' },
        tags: ['Stammkunde'],
      }),
    );
    value(await call('customers.create', { name: 'Mueller KG', phone: '089 1234567' }));
    for (const search of [
      'JURGEN',
      'weiss',
      'munchen',
      'muenchen',
      'muster.de',
      'jw@muster',
      'weiß jürgen',
      ' jurgen   WEISS ',
      'Strasse',
      'stamm',
    ]) {
      expect(await find(search), search).toEqual(['Jürgen Weiß']);
    }
    expect(await find('Müller')).toEqual(['Mueller KG']);
    expect(await find('089 1234567')).toEqual(['Mueller KG']);
    expect(await find('+49 89 1234567')).toEqual(['Mueller KG']);
    expect(await find('0049 89 1234567')).toEqual(['Mueller KG']);
    expect(await find('weiss zzz')).toEqual([]);
  });

  it('finds a customer by number, and puts the best match first', async () => {
    const exact = value(
      await call<Customer>('customers.create', { name: 'Rang Bau', billingAddress: { city: 'Kiel' } }),
    );
    value(await call('customers.create', { name: 'Rangliste GmbH' }));
    value(await call('customers.create', { name: 'Anders AG', billingAddress: { city: 'Rangsdorf' } }));
    value(await call('customers.create', { name: 'Zeta', email: 'rang@zeta.de' }));
    expect(await find(exact.number)).toEqual(['Rang Bau']);
    // Its digits with or without the leading zeros (`K-00001`: `00001`, `1`).
    const digits = exact.number.replace(/\D/g, '');
    expect(await find(digits)).toEqual(['Rang Bau']);
    expect(await find(String(Number(digits)))).toEqual(['Rang Bau']);
    // An exact word of the name, then names beginning with it, then contact ways, then places.
    expect(await find('rang')).toEqual(['Rang Bau', 'Rangliste GmbH', 'Zeta', 'Anders AG']);
    const page = value(await call<CustomerPage>('customers.list', { search: 'rang', limit: 2, position: 1 }));
    expect(page.items.map((c) => c.name)).toEqual(['Rangliste GmbH', 'Zeta']);
    expect(page.total).toBe(4);
    // Scrolling on: the cursor of a page continues right after it.
    const first = value(await call<CustomerPage>('customers.list', { search: 'rang', limit: 3 }));
    const rest = value(await call<CustomerPage>('customers.list', { search: 'rang', limit: 3, cursor: first.next }));
    expect([...first.items, ...rest.items].map((c) => c.name)).toEqual([
      'Rang Bau',
      'Rangliste GmbH',
      'Zeta',
      'Anders AG',
    ]);
    expect(rest.next).toBeNull();
  });

  it('finds likely duplicates by VAT ID, IBAN, email, or name in the same city', async () => {
    const known = value(
      await call<Customer>('customers.create', {
        name: 'Doppel Handel GmbH',
        vatId: 'ATU13585627',
        email: 'Einkauf@Doppel.example',
        billingAddress: { city: 'Graz', country: 'AT' },
        bankAccount: { iban: 'AT61 1904 3002 3457 3201' },
      }),
    );
    const reasonsFor = async (fields: object, excludeId?: string) =>
      value(await call<LikelyDuplicate[]>('customers.duplicates', { fields, ...(excludeId && { excludeId }) }))
        .filter((d) => d.customer.id === known.id)
        .flatMap((d) => d.reasons);
    expect(await reasonsFor({ name: 'Other', vatId: 'atu 13585627' })).toEqual(['vatId']);
    expect(await reasonsFor({ name: 'Other', bankAccount: { iban: 'AT611904300234573201' } })).toEqual(['iban']);
    expect(await reasonsFor({ name: 'Other', email: 'einkauf@doppel.example' })).toEqual(['email']);
    expect(await reasonsFor({ name: 'doppel handel gmbh', billingAddress: { city: 'GRAZ' } })).toEqual(['nameAndCity']);
    expect(await reasonsFor({ name: 'Doppel Handel GmbH', billingAddress: { city: 'Wien' } })).toEqual([]);
    // The customer being edited is not its own duplicate.
    expect(await reasonsFor({ vatId: 'ATU13585627' }, known.id)).toEqual([]);
    // Nothing to compare: nothing found, and a bad field is a validation error as on create.
    expect(value(await call('customers.duplicates', { fields: {} }))).toEqual([]);
    expect(await call('customers.duplicates', { fields: { vatId: 'DE123456789' } })).toMatchObject({
      ok: false,
      error: { code: 'validation' },
    });
  });

  it('deletes a customer created by mistake: gone from lists, its number not given again', async () => {
    const mistake = value(await call<Customer>('customers.create', { name: 'Versehen GmbH', notes: 'typo' }));
    expect(value(await call('customers.delete', { id: mistake.id }))).toEqual({ deleted: true });
    expect(await call('customers.get', { id: mistake.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await find('Versehen')).toEqual([]);
    const next = value(await call<Customer>('customers.create', { name: 'Richtig GmbH' }));
    expect(Number(next.number.replace(/\D/g, ''))).toBe(Number(mistake.number.replace(/\D/g, '')) + 1);
    // The event log keeps that it happened, and the personal data is shredded with it.
    const events = value(await call<{ type: string }[]>('events.list', { stream: `customer-${mistake.id}` }));
    expect(events.map((e) => e.type)).toEqual(['customer.created', 'customer.deleted']);
    expect(await call('customers.delete', { id: mistake.id })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('archives instead of deleting a customer other users worked on, and says so', async () => {
    const shared = value(await call<Customer>('customers.create', { name: 'Gemeinsam AG' }));
    const clerk = await kontor.signInAs('clerk');
    value((await clerk('customers.update', { id: shared.id, changes: { notes: 'called' } })) as Result<Customer>);
    const refused = await call('customers.delete', { id: shared.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'customer_in_use' } } });
    expect(refused.ok ? '' : refused.error.message).toMatch(/Archive it instead/);
    expect(value(await call<Customer>('customers.get', { id: shared.id })).version).toBe(2);
    // And a clerk may not delete at all.
    const own = value((await clerk('customers.create', { name: 'Clerk KG' })) as Result<Customer>);
    expect(await clerk('customers.delete', { id: own.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('lists the company’s users as possible owners, for anyone who may read customers', async () => {
    const clerk = await kontor.signInAs('clerk', 'owner-clerk@test.example');
    const owners = value((await clerk('customers.owners', {})) as Result<{ id: string; email: string }[]>);
    expect(owners.map((o) => o.email)).toEqual(
      expect.arrayContaining(['admin@test.example', 'owner-clerk@test.example']),
    );
    const clerkId = owners.find((o) => o.email === 'owner-clerk@test.example')?.id;
    const owned = value(await call<Customer>('customers.create', { name: 'Betreut GmbH', ownerId: clerkId }));
    expect(owned.ownerId).toBe(clerkId);
    const page = value(await call<CustomerPage>('customers.list', { owner: [clerkId ?? ''] }));
    expect(page.items.map((c) => c.name)).toEqual(['Betreut GmbH']);
  });

  it('answers any search text with results or nothing, never an error (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom('K-00012', '"', "O'Brien", 'a*b(', 'NEAR', '-x', '🙂🙂', '%_\\', 'OR AND NOT', '\u0000'),
          fc.string({ maxLength: 200 }),
          fc.string({ unit: 'grapheme', maxLength: 200 }),
        ),
        async (search) => {
          const result = await call<CustomerPage>('customers.list', { search });
          expect(result.ok).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
  // Last: its customers take numbers, and a number like K-00015 is also the start of phone numbers.
  it('keeps the list total exact through create, delete, merge and replay (kept beside the rows)', async () => {
    const rows = async () => {
      const store = await kontor.currentStore();
      const [row] = await store.sql.rows(sql`SELECT count(*) AS n FROM ${store.sql.table('customers')}`);
      return Number(row?.['n']);
    };
    const total = async () => value(await call<CustomerPage>('customers.list', {})).total;
    expect(await total()).toBe(await rows());
    const a = value(await call<Customer>('customers.create', { name: 'Zähler A' }));
    const b = value(await call<Customer>('customers.create', { name: 'Zähler B' }));
    const c = value(await call<Customer>('customers.create', { name: 'Zähler C' }));
    expect(await total()).toBe(await rows());
    value(await call('customers.delete', { id: a.id }));
    expect(await total()).toBe(await rows());
    value(await call('customers.merge', { sourceId: b.id, targetId: c.id }));
    expect(await total()).toBe(await rows());
    value(await call('events.replay', {}));
    expect(await total()).toBe(await rows());
    expect(value(await call<CustomerPage>('customers.list', { search: 'Zähler' })).total).toBe(1);
  });
});

describe.each(testDialects)('customer list paging and sorting on %s', (dialect) => {
  let kontor: TestKontor;
  const names = ['delta', 'Alpha', 'charlie', 'Bravo', 'echo', 'foxtrot', 'golf'];

  beforeAll(async () => {
    let tick = Date.parse('2026-01-01T00:00:00Z');
    kontor = await openTestKontor(dialect, { clock: { now: () => new Date((tick += 1000)) } });
    await kontor.call('tenants.setup', { name: 'Paging' });
    for (const [i, name] of names.entries()) {
      await kontor.call('customers.create', { name, billingAddress: i % 2 === 0 ? { city: `City ${i}` } : null });
    }
  });
  afterAll(async () => kontor.dispose());

  const list = async (input: object) => value((await kontor.call('customers.list', input)) as Result<CustomerPage>);

  it('sorts by name without regard to case, in both directions', async () => {
    expect((await list({})).items.map((c) => c.name)).toEqual([
      'Alpha',
      'Bravo',
      'charlie',
      'delta',
      'echo',
      'foxtrot',
      'golf',
    ]);
    expect((await list({ direction: 'desc', limit: 2 })).items.map((c) => c.name)).toEqual(['golf', 'foxtrot']);
  });

  it('pages with a total', async () => {
    const page = await list({ limit: 3, position: 3 });
    expect(page).toMatchObject({ total: 7, exact: true, limit: 3, position: 3 });
    expect(page.items.map((c) => c.name)).toEqual(['delta', 'echo', 'foxtrot']);
  });

  it('sorts by creation time', async () => {
    expect((await list({ sort: 'createdAt', direction: 'desc', limit: 1 })).items[0]?.name).toBe('golf');
  });

  it('puts customers without a city last', async () => {
    const cities = (await list({ sort: 'city' })).items.map((c) => c.city);
    expect(cities).toEqual(['City 0', 'City 2', 'City 4', 'City 6', null, null, null]);
  });

  it('rejects a limit over 500', async () => {
    const result = await kontor.call('customers.list', { limit: 501 });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'validation', details: { issues: [{ path: 'limit', rule: 'max' }] } },
    });
  });
});
