// Contact persons through the router, on every dialect: rules, one primary per customer, their own
// data key (export and erasure on their own), and what happens to them with their customer.
import { sql } from 'drizzle-orm';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERASURE_MARKER, type Contact, type Customer, type GdprExport } from '../../shared/contract';
import { openTestKontor, testDialects, type TestKontor, value } from '../db/testing';

describe.each(testDialects)('contact persons on %s', (dialect) => {
  let kontor: TestKontor;
  const call = <T>(name: string, input: unknown) => kontor.call(name, input).then((r) => value<T>(r));
  const company = (name: string) => call<Customer>('customers.create', { name, billingAddress: { country: 'AT' } });
  const contactsOf = (customerId: string) => call<Contact[]>('contacts.list', { customerId });

  beforeAll(async () => {
    kontor = await openTestKontor(dialect);
  });
  afterAll(async () => kontor.dispose());

  it('adds contacts with their own checks; the first is primary, a new primary takes the flag', async () => {
    const customer = await company('Kontakt Handel GmbH');
    const anna = await call<Contact>('contacts.add', {
      customerId: customer.id,
      fields: { name: ' Anna Berger ', role: 'Einkauf', email: 'anna@kontakt.example', phone: '01 5125 5000' },
    });
    // A number without + is read in the customer's country (Austria here).
    expect(anna).toMatchObject({ name: 'Anna Berger', role: 'Einkauf', phone: '+43151255000', primary: true });
    const bert = await call<Contact>('contacts.add', {
      customerId: customer.id,
      fields: { name: 'Bert Adler', primary: true },
    });
    expect(bert.primary).toBe(true);
    const list = await contactsOf(customer.id);
    expect(list.map((c) => [c.name, c.primary])).toEqual([
      ['Bert Adler', true],
      ['Anna Berger', false],
    ]);

    const bad = await kontor.call('contacts.add', { customerId: customer.id, fields: { name: 'X', phone: '12' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation', details: { issues: [{ path: 'phone' }] } } });
    const empty = await kontor.call('contacts.add', { customerId: customer.id, fields: { name: '  ' } });
    expect(empty).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(await contactsOf(customer.id)).toHaveLength(2);

    const person = await call<Customer>('customers.create', { kind: 'person', lastName: 'Einzeln' });
    const refused = await kontor.call('contacts.add', { customerId: person.id, fields: { name: 'Niemand' } });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'conflict', details: { reason: 'contacts_need_company' } },
    });
  });

  it('changes only what changed, and refuses a stale version', async () => {
    const customer = await company('Versionen KG');
    const added = await call<Contact>('contacts.add', { customerId: customer.id, fields: { name: 'Clara Dorn' } });
    const same = await call<Contact>('contacts.update', { id: added.id, changes: { name: 'Clara Dorn' } });
    expect(same.version).toBe(added.version);
    const changed = await call<Contact>('contacts.update', {
      id: added.id,
      expectedVersion: added.version,
      changes: { email: 'clara@versionen.example', role: 'CEO' },
    });
    expect(changed).toMatchObject({ email: 'clara@versionen.example', role: 'CEO', version: 2 });
    const stale = await kontor.call('contacts.update', {
      id: added.id,
      expectedVersion: added.version,
      changes: { role: 'CFO' },
    });
    expect(stale).toMatchObject({ ok: false, error: { code: 'conflict' } });
    // Readers of the log see the opened payloads, not ciphertext.
    const events = await call<{ type: string; data: object }[]>('events.list', { stream: `contact-${added.id}` });
    expect(events.map((e) => [e.type, e.data])).toEqual([
      [
        'contact.added',
        { customerId: customer.id, primary: true, name: 'Clara Dorn', role: null, email: null, phone: null },
      ],
      ['contact.changed', { email: 'clara@versionen.example', role: 'CEO' }],
    ]);
  });

  it('exports and erases one person without touching the customer or the others', async () => {
    const customer = await company('Auskunft AG');
    const keep = await call<Contact>('contacts.add', { customerId: customer.id, fields: { name: 'Bleibt Hier' } });
    const gone = await call<Contact>('contacts.add', {
      customerId: customer.id,
      fields: { name: 'Dora Vergessen', email: 'dora@auskunft.example', phone: '+49 30 1234567' },
    });
    const exported = await call<GdprExport>('contacts.export', { id: gone.id });
    const files = unzipSync(Buffer.from(exported.base64, 'base64'));
    expect(Object.keys(files).sort()).toEqual([
      'README.txt',
      'audit.csv',
      'audit.json',
      'contact.csv',
      'contact.json',
      'events.csv',
      'events.json',
      'manifest.json',
    ]);
    const read = (name: string) => JSON.parse(strFromU8(files[name] ?? new Uint8Array())) as unknown;
    expect(read('contact.json')).toMatchObject({ name: 'Dora Vergessen', email: 'dora@auskunft.example' });
    expect(read('events.json')).toMatchObject([{ type: 'contact.added', changes: { name: 'Dora Vergessen' } }]);
    expect(read('manifest.json')).toMatchObject({ subject: 'contact', contactId: gone.id, counts: { events: 1 } });

    const erased = await call<Contact>('contacts.erase', { id: gone.id });
    expect(erased).toMatchObject({ name: ERASURE_MARKER, email: null, phone: null, role: null });
    expect(erased.erasedAt).not.toBeNull();
    const again = await kontor.call('contacts.erase', { id: gone.id });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'contact_erased' } } });
    const edit = await kontor.call('contacts.update', { id: gone.id, changes: { role: 'x' } });
    expect(edit).toMatchObject({ ok: false, error: { code: 'conflict' } });

    const { sql: db } = await kontor.currentStore();
    const keys = await db.rows(
      sql`SELECT subject FROM ${db.table('data_keys')} WHERE subject = ${`contact:${gone.id}`}`,
    );
    expect(keys).toEqual([]);
    // The customer and the other contact are as they were; a replay gives the same projection.
    expect((await call<Customer>('customers.get', { id: customer.id })).erasedAt).toBeNull();
    const before = await contactsOf(customer.id);
    expect(before.find((c) => c.id === keep.id)?.name).toBe('Bleibt Hier');
    value(await kontor.call('events.replay', {}));
    expect(await contactsOf(customer.id)).toEqual(before);
    const exportedAfter = await call<GdprExport>('contacts.export', { id: gone.id });
    const events = JSON.parse(
      strFromU8(unzipSync(Buffer.from(exportedAfter.base64, 'base64'))['events.json'] ?? new Uint8Array()),
    ) as { changes: Record<string, unknown> }[];
    expect(events[0]?.changes).toMatchObject({ personal: ERASURE_MARKER });
  });

  it('follows the customer: erased with it, removed when it is deleted; replay agrees', async () => {
    const erasedCustomer = await company('Weg Damit GmbH');
    await call('contacts.add', {
      customerId: erasedCustomer.id,
      fields: { name: 'Eva Mitweg', email: 'eva@weg.example' },
    });
    await call('gdpr.erase', { customerId: erasedCustomer.id });
    expect(await contactsOf(erasedCustomer.id)).toMatchObject([{ name: ERASURE_MARKER, email: null }]);
    const refused = await kontor.call('contacts.add', { customerId: erasedCustomer.id, fields: { name: 'Neu' } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'customer_erased' } } });

    const mistake = await company('Versehen OHG');
    const contact = await call<Contact>('contacts.add', { customerId: mistake.id, fields: { name: 'Fritz Irrtum' } });
    await call('customers.delete', { id: mistake.id });
    expect((await kontor.call('contacts.export', { id: contact.id })).ok).toBe(false);
    expect(await kontor.call('contacts.list', { customerId: mistake.id })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });

    const snapshot = await contactsOf(erasedCustomer.id);
    value(await kontor.call('events.replay', {}));
    expect(await contactsOf(erasedCustomer.id)).toEqual(snapshot);
  });

  it("finds a customer by its contacts' names, and no longer once they are gone", async () => {
    const found = async (search: string) =>
      (await call<{ items: { name: string }[] }>('customers.list', { search })).items.map((c) => c.name);
    const customer = await company('Suchbar Maschinenbau GmbH');
    const contact = await call<Contact>('contacts.add', {
      customerId: customer.id,
      fields: { name: 'Xaver Quirinus' },
    });
    expect(await found('quirinus')).toEqual(['Suchbar Maschinenbau GmbH']);
    expect(await found('xaver suchbar')).toEqual(['Suchbar Maschinenbau GmbH']);
    await call('contacts.update', { id: contact.id, changes: { name: 'Xaver Quirin-Lenz' } });
    expect(await found('quirinus')).toEqual([]);
    expect(await found('lenz')).toEqual(['Suchbar Maschinenbau GmbH']);
    // A change of the customer keeps its contacts' words.
    await call('customers.update', { id: customer.id, changes: { billingAddress: { city: 'Ulm' } } });
    expect(await found('lenz ulm')).toEqual(['Suchbar Maschinenbau GmbH']);
    value(await kontor.call('events.replay', {}));
    expect(await found('lenz')).toEqual(['Suchbar Maschinenbau GmbH']);
    await call('contacts.erase', { id: contact.id });
    expect(await found('lenz')).toEqual([]);
    value(await kontor.call('events.replay', {}));
    expect(await found('lenz')).toEqual([]);
    expect(await found('suchbar')).toEqual(['Suchbar Maschinenbau GmbH']);
  });

  it('removes a contact with their data', async () => {
    const customer = await company('Entfernen GmbH');
    const contact = await call<Contact>('contacts.add', { customerId: customer.id, fields: { name: 'Gina Raus' } });
    expect(await call('contacts.remove', { id: contact.id })).toEqual({ removed: true });
    expect(await contactsOf(customer.id)).toEqual([]);
    expect(await kontor.call('contacts.remove', { id: contact.id })).toMatchObject({
      ok: false,
      error: { code: 'not_found', details: { reason: 'no_contact' } },
    });
  });
});
