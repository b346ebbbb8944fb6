// The CDNOW format: the whole sample reads without a problem, and each kind of bad line is reported
// with its number while the others are read.
import { describe, expect, it } from 'vitest';
import { cdnowSampleText } from '../analytics/cdnow.testing';
import { parseCdnow } from './cdnow';
import { centsOf } from './money';

describe('the CDNOW format', () => {
  it('reads the whole sample: 6,919 purchases of 2,357 customers, amounts in cents', () => {
    const { purchases, problems } = parseCdnow(cdnowSampleText());
    expect(problems).toEqual([]);
    expect(purchases).toHaveLength(6919);
    expect(new Set(purchases.map((p) => p.customer)).size).toBe(2357);
    expect(purchases[0]).toEqual({ row: 1, customer: '0001', date: '1997-01-01', quantity: 2, amount: 2933 });
  });

  it('reports each bad line with its number and reads the rest', () => {
    const { purchases, problems } = parseCdnow(
      [
        ' 00004 0001 19970101  2   29.33',
        '00004 0001 19970230 1 5.00',
        '00004 0001 19970301 x 5.00',
        '00004 0001 19970301 1 5,00',
        '00004 0001 19970301 1',
        '',
        '00005 0002 19970302 1 0.5',
      ].join('\n'),
    );
    expect(purchases.map((p) => [p.row, p.amount])).toEqual([
      [1, 2933],
      [7, 50],
    ]);
    expect(problems.map((p) => p.row)).toEqual([2, 3, 4, 5]);
    expect(problems[0]?.reason).toMatch(/not a date/);
    expect(problems[3]?.reason).toMatch(/5 fields/);
  });

  it('takes amounts to the cent, never through a float', () => {
    expect(centsOf('29.33')).toBe(2933);
    expect(centsOf('0.1')).toBe(10);
    expect(centsOf('-5')).toBe(-500);
    expect(centsOf('1.005')).toBeNull();
    expect(centsOf('1e3')).toBeNull();
    expect(centsOf('99999999999999.99')).toBeNull();
  });
});
