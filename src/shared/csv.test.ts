import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';

describe('CSV for spreadsheets', () => {
  it('turns text that would start a formula into text, and leaves numbers alone', () => {
    const csv = toCsv([{ amount: -5, big: 12n, text: '-5', formula: '=SUM(A1)', at: '@x', plus: '+49 30 1' }]);
    const [, row] = csv.replace('\uFEFF', '').split('\r\n');
    expect(row).toBe("-5,12,'-5,'=SUM(A1),'@x,'+49 30 1");
  });

  it('splits on semicolons for German spreadsheets, quoting only what holds one', () => {
    const csv = toCsv([{ name: 'Müller, Anna', note: 'a; b', n: -5 }], undefined, ';');
    expect(csv).toBe('\uFEFFname;note;n\r\nMüller, Anna;"a; b";-5\r\n');
  });

  it('quotes separators and quotes', () => {
    expect(toCsv([{ a: 'x, "y"' }])).toBe('\uFEFFa\r\n"x, ""y"""\r\n');
  });
});
