// Sales documents through the router, on every dialect: drafts, issuing with numbers, VAT per
// document, payment, cancelling, reversing an invoice with a credit note, the list's filters and
// totals, replay, and what happens to documents when their customer is merged, deleted or erased.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer, Sale, SalePage } from '../../shared/contract';
import { openTestKontor, testDialects, type Caller, type TestKontor, value } from '../db/testing';

const line = (description: string, unitPrice: number, vatRate = 1900, quantity = '1') => ({
  description,
  quantity,
  unitPrice,
  vatRate,
});

describe.each(testDialects)('sales documents on %s', (dialect) => {
  let kontor: TestKontor;
  let clerk: Caller;
  const call = <T>(name: string, input: unknown) => kontor.call(name, input).then((r) => value<T>(r));
  const customer = (name: string) => call<Customer>('customers.create', { name });

  beforeAll(async () => {
    kontor = await openTestKontor(dialect);
    clerk = await kontor.signInAs('clerk', 'clerk-sales@test.example');
  });
  afterAll(async () => kontor.dispose());

  it('keeps a draft without a number, numbers it when issued, and computes VAT per rate on the document', async () => {
    const buyer = await customer('Beleg GmbH');
    const draft = await call<Sale>('sales.create', {
      fields: {
        kind: 'invoice',
        customerId: buyer.id,
        date: '2026-03-15',
        lines: [
          line('Beratung', 3333, 1900, '3'),
          line('Fahrtkosten', 1, 1900, '0.5'),
          line('Fachbuch', 1999, 700, '1'),
        ],
      },
    });
    expect(draft).toMatchObject({ status: 'draft', number: null, currency: 'EUR', version: 1 });
    expect(draft.lines.map((l) => l.net)).toEqual([9999, 1, 1999]);
    // 19 % of 100.00 is 19.00 (per line it would be 19.00 + 0.00); 7 % of 19.99 is 1.3993 → 1.40.
    expect(draft.rates).toEqual([
      { vatRate: 1900, net: 10000, vat: 1900 },
      { vatRate: 700, net: 1999, vat: 140 },
    ]);
    expect([draft.net, draft.vat, draft.gross]).toEqual([11999, 2040, 14039]);

    const changed = await call<Sale>('sales.update', {
      id: draft.id,
      changes: { date: '2026-03-16', lines: [line('Beratung', 10000)] },
    });
    expect([changed.date, changed.gross, changed.version]).toEqual(['2026-03-16', 11900, 2]);
    const same = await call<Sale>('sales.update', { id: draft.id, changes: { date: '2026-03-16' } });
    expect(same.version).toBe(2);

    const issued = await call<Sale>('sales.issue', { id: draft.id });
    expect(issued).toMatchObject({ status: 'issued', number: expect.stringMatching(/^RE-\d{5}$/) });
    const second = await call<Sale>('sales.create', {
      fields: { kind: 'invoice', customerId: buyer.id, date: '2026-03-17', lines: [line('x', 100)], issue: true },
    });
    const n = (s: Sale) => Number(s.number?.slice(3));
    expect(n(second)).toBe(n(issued) + 1);

    const refused = await kontor.call('sales.update', { id: issued.id, changes: { date: '2026-04-01' } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'sale_not_draft' } } });
    const order = await call<Sale>('sales.create', {
      fields: { kind: 'order', customerId: buyer.id, date: '2026-03-10', lines: [line('y', 500)], issue: true },
    });
    expect(order.number).toMatch(/^AB-\d{5}$/);
  });

  it('refuses bad lines field by field and writes nothing', async () => {
    const buyer = await customer('Fehler GmbH');
    const bad = async (lines: unknown[], path: string) => {
      const result = await kontor.call('sales.create', {
        fields: { kind: 'invoice', customerId: buyer.id, date: '2026-03-15', lines },
      });
      expect(result).toMatchObject({ ok: false, error: { code: 'validation' } });
      const issues = (result as { error: { details: { issues: { path: string }[] } } }).error.details.issues;
      expect(issues.map((i) => i.path)).toContain(path);
    };
    await bad([line('x', 1, 1900, '1.2345')], 'fields.lines.0.quantity');
    await bad([line('x', 1.5)], 'fields.lines.0.unitPrice');
    await bad([line('x', 1, 10_001)], 'fields.lines.0.vatRate');
    await bad([line('', 1)], 'fields.lines.0.description');
    await bad([], 'fields.lines');
    const huge = await kontor.call('sales.create', {
      fields: {
        kind: 'invoice',
        customerId: buyer.id,
        date: '2026-03-15',
        lines: [line('x', 9_000_000_000_000, 0, '999999999')],
      },
    });
    expect(huge).toMatchObject({ ok: false, error: { details: { reason: 'sales_amount_range' } } });
    const nobody = await kontor.call('sales.create', {
      fields: {
        kind: 'invoice',
        customerId: '00000000-0000-4000-8000-000000000000',
        date: '2026-03-15',
        lines: [line('x', 1)],
      },
    });
    expect(nobody).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect((await call<SalePage>('sales.list', { customerId: buyer.id })).items).toEqual([]);
  });

  it('marks invoices paid, cancels drafts and orders, and reverses an issued invoice with a credit note', async () => {
    const buyer = await customer('Storno GmbH');
    const invoice = await call<Sale>('sales.create', {
      fields: {
        kind: 'invoice',
        customerId: buyer.id,
        date: '2026-05-02',
        lines: [line('Wartung', 25_000), line('Ersatzteil', 1_234, 700, '2')],
        issue: true,
      },
    });
    const paid = await call<Sale>('sales.setPaid', { id: invoice.id, paid: true });
    expect(paid.status).toBe('paid');
    expect((await call<Sale>('sales.setPaid', { id: invoice.id, paid: true })).version).toBe(paid.version);
    const cancel = await kontor.call('sales.cancel', { id: invoice.id });
    expect(cancel).toMatchObject({ ok: false, error: { details: { reason: 'sale_needs_credit_note' } } });

    const { invoice: after, creditNote } = await call<{ invoice: Sale; creditNote: Sale }>('sales.credit', {
      id: invoice.id,
      date: '2026-05-20',
    });
    expect(after).toMatchObject({ status: 'cancelled', reversedBy: creditNote.id });
    expect(creditNote).toMatchObject({
      kind: 'credit_note',
      status: 'issued',
      reverses: invoice.id,
      date: '2026-05-20',
      number: expect.stringMatching(/^GS-\d{5}$/),
    });
    expect(creditNote.lines.map((l) => l.quantity)).toEqual(['-1', '-2']);
    expect([creditNote.net, creditNote.vat, creditNote.gross]).toEqual([-invoice.net, -invoice.vat, -invoice.gross]);
    const again = await kontor.call('sales.credit', { id: invoice.id });
    expect(again).toMatchObject({ ok: false, error: { details: { reason: 'sale_reversed' } } });

    const draft = await call<Sale>('sales.create', {
      fields: { kind: 'invoice', customerId: buyer.id, date: '2026-05-03', lines: [line('z', 100)] },
    });
    expect((await call<Sale>('sales.cancel', { id: draft.id })).status).toBe('cancelled');
    const order = await call<Sale>('sales.create', {
      fields: { kind: 'order', customerId: buyer.id, date: '2026-05-04', lines: [line('z', 100)], issue: true },
    });
    expect((await call<Sale>('sales.cancel', { id: order.id })).status).toBe('cancelled');
    const payOrder = await kontor.call('sales.setPaid', { id: order.id, paid: true });
    expect(payOrder).toMatchObject({ ok: false, error: { details: { reason: 'sale_not_invoice' } } });

    // The invoice and its credit note both count, each in its own month; the draft and order do not.
    const all = await call<SalePage>('sales.list', { customerId: buyer.id });
    expect(all.items.map((s) => s.date)).toEqual(['2026-05-20', '2026-05-04', '2026-05-03', '2026-05-02']);
    expect(all.totals).toEqual([
      { kind: 'credit_note', currency: 'EUR', count: 1, net: -invoice.net, vat: -invoice.vat, gross: -invoice.gross },
      { kind: 'invoice', currency: 'EUR', count: 1, net: invoice.net, vat: invoice.vat, gross: invoice.gross },
    ]);
    const may = await call<SalePage>('sales.list', { customerId: buyer.id, to: '2026-05-10', kind: 'invoice' });
    expect(may.totals).toEqual([expect.objectContaining({ kind: 'invoice', count: 1, gross: invoice.gross })]);
    const byNumber = await call<SalePage>('sales.list', { number: creditNote.number ?? '' });
    expect(byNumber.items.map((s) => s.id)).toEqual([creditNote.id]);
  });

  it('pages newest first with a cursor, and a clerk may read and write but the check is in the main process', async () => {
    const buyer = await customer('Seiten GmbH');
    for (let day = 1; day <= 5; day++) {
      await value(
        await clerk('sales.create', {
          fields: {
            kind: 'invoice',
            customerId: buyer.id,
            date: `2026-07-0${day}`,
            lines: [line('x', 100 * day)],
            issue: true,
          },
        }),
      );
    }
    const first = await call<SalePage>('sales.list', { customerId: buyer.id, limit: 2 });
    expect(first.items.map((s) => s.date)).toEqual(['2026-07-05', '2026-07-04']);
    const second = await call<SalePage>('sales.list', { customerId: buyer.id, limit: 2, cursor: first.next });
    expect(second.items.map((s) => s.date)).toEqual(['2026-07-03', '2026-07-02']);
    const third = await call<SalePage>('sales.list', { customerId: buyer.id, limit: 2, cursor: second.next });
    expect([third.items.length, third.next]).toEqual([1, null]);
    expect(first.totals).toEqual([{ kind: 'invoice', currency: 'EUR', count: 5, net: 1500, vat: 285, gross: 1785 }]);
  });

  it('moves documents with a merged customer, refuses to delete a customer with issued ones, and keeps them after erasure', async () => {
    const source = await customer('Quelle GmbH');
    const target = await customer('Ziel GmbH');
    const sale = await call<Sale>('sales.create', {
      fields: { kind: 'invoice', customerId: source.id, date: '2026-08-01', lines: [line('m', 700)], issue: true },
    });
    await call('customers.merge', { sourceId: source.id, targetId: target.id });
    expect((await call<Sale>('sales.get', { id: sale.id })).customerId).toBe(target.id);

    const deleted = await kontor.call('customers.delete', { id: target.id });
    expect(deleted).toMatchObject({ ok: false, error: { details: { reason: 'customer_has_sales' } } });
    expect((await call<Customer>('customers.get', { id: target.id })).id).toBe(target.id);

    const onlyDraft = await customer('Entwurf GmbH');
    const draft = await call<Sale>('sales.create', {
      fields: { kind: 'invoice', customerId: onlyDraft.id, date: '2026-08-01', lines: [line('d', 1)] },
    });
    await call('customers.delete', { id: onlyDraft.id });
    expect(await kontor.call('sales.get', { id: draft.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    await call('gdpr.erase', { customerId: target.id });
    expect((await call<Sale>('sales.get', { id: sale.id })).gross).toBe(833);
    const forErased = await kontor.call('sales.create', {
      fields: { kind: 'invoice', customerId: target.id, date: '2026-08-02', lines: [line('n', 1)] },
    });
    expect(forErased).toMatchObject({ ok: false, error: { details: { reason: 'customer_erased' } } });
  });

  it('rebuilds the same documents from the log', async () => {
    const before = await call<SalePage>('sales.list', { limit: 500 });
    await call('events.replay', {});
    const after = await call<SalePage>('sales.list', { limit: 500 });
    expect(after).toEqual(before);
    expect(after.items.length).toBeGreaterThan(10);
  });
});
