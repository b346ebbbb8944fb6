// Document totals in exact minor units: by hand-made German invoices, and by properties against
// rational arithmetic.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { documentTotals, lineNet, reversed, thousandths, type LineInput } from './money';

const line = (quantity: string, unitPrice: number, vatRate = 1900): LineInput => ({ quantity, unitPrice, vatRate });

describe('document totals', () => {
  it('add the lines, then VAT per rate on each rate’s sum', () => {
    const totals = documentTotals([line('3', 1000), line('1.5', 4999, 700), line('2', 250, 0)]);
    expect(totals.lines).toEqual([3000, 7499, 500]);
    expect(totals.rates).toEqual([
      { vatRate: 1900, net: 3000, vat: 570 },
      { vatRate: 700, net: 7499, vat: 525 },
      { vatRate: 0, net: 500, vat: 0 },
    ]);
    expect(totals).toMatchObject({ net: 10_999, vat: 1095, gross: 12_094 });
  });

  it('round the VAT of the document, not of each line', () => {
    // Seven lines of 0.04 € at 19 %: 0.0076 € each would round to 0.01 € per line (0.07 €); on the
    // document's 0.28 € it is 0.0532 €, so 0.05 €.
    const totals = documentTotals(Array.from({ length: 7 }, () => line('1', 4)));
    expect(totals.vat).toBe(5);
  });

  it('round half away from zero, for returns too', () => {
    expect(lineNet(line('0.5', 1))).toBe(1);
    expect(lineNet(line('-0.5', 1))).toBe(-1);
    expect(lineNet(line('0.333', 3))).toBe(1);
    expect(lineNet(line('1.005', 100))).toBe(101);
    expect(documentTotals([line('1', 50, 1900)]).vat).toBe(10); // 9.5 cents
    expect(documentTotals([line('-1', 50, 1900)]).vat).toBe(-10);
  });

  it('refuse what is not an amount, a quantity or a rate, with a reason', () => {
    const reason = (fn: () => unknown) => {
      try {
        fn();
        return null;
      } catch (error) {
        return error instanceof AppError ? error.details?.['reason'] : 'other';
      }
    };
    expect(reason(() => thousandths('1,5'))).toBe('sales_quantity');
    expect(reason(() => thousandths('1.2345'))).toBe('sales_quantity');
    expect(reason(() => thousandths('1e3'))).toBe('sales_quantity');
    expect(reason(() => lineNet(line('1', 10.5)))).toBe('sales_amount_range');
    expect(reason(() => lineNet(line('1', 100, 1950.5)))).toBe('sales_vat_rate');
    expect(reason(() => lineNet(line('1', 100, 10_001)))).toBe('sales_vat_rate');
    expect(reason(() => documentTotals([line('999999999', Number.MAX_SAFE_INTEGER)]))).toBe('sales_amount_range');
  });
});

const anyLine = fc.record({
  quantity: fc
    .tuple(fc.integer({ min: -5_000_000, max: 5_000_000 }), fc.integer({ min: 0, max: 2 }))
    .map(([n, places]) => (places === 0 ? String(Math.trunc(n / 1000)) : (n / 1000).toFixed(places))),
  unitPrice: fc.integer({ min: -10_000_000, max: 10_000_000 }),
  vatRate: fc.constantFrom(0, 700, 1900, 550, 2000),
});

describe('document totals (properties)', () => {
  it('are within half a cent of the exact rational amounts, per line and per rate', () => {
    fc.assert(
      fc.property(fc.array(anyLine, { maxLength: 30 }), (lines) => {
        const totals = documentTotals(lines);
        lines.forEach((l, i) => {
          const exact = thousandths(l.quantity) * BigInt(l.unitPrice) * 2n; // in 1/2000 cent
          const got = BigInt(totals.lines[i] ?? 0) * 2000n;
          expect(got - exact <= 1000n && exact - got <= 1000n).toBe(true);
        });
        for (const rate of totals.rates) {
          const exact = BigInt(rate.net) * BigInt(rate.vatRate) * 2n; // in 1/20000 cent
          const got = BigInt(rate.vat) * 20_000n;
          expect(got - exact <= 10_000n && exact - got <= 10_000n).toBe(true);
        }
        expect(totals.gross).toBe(totals.net + totals.vat);
        expect(totals.net).toBe(totals.lines.reduce((s, n) => s + n, 0));
      }),
      { numRuns: 500 },
    );
  });

  it('of a credit note are the document’s, negated, to the cent', () => {
    fc.assert(
      fc.property(fc.array(anyLine, { minLength: 1, maxLength: 30 }), (lines) => {
        const original = documentTotals(lines);
        const credit = documentTotals(reversed(lines));
        expect(credit.net + original.net).toBe(0);
        expect(credit.vat + original.vat).toBe(0);
        expect(credit.gross + original.gross).toBe(0);
      }),
      { numRuns: 500 },
    );
  });
});
