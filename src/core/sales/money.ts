// Money of sales documents, exactly: amounts are integers in minor units (cents), quantities
// decimals with up to three places (kept as thousandths), VAT rates in basis points (1900 = 19 %).
// A line's net is its quantity × unit price, rounded half away from zero to the cent
// (kaufmännisches Runden); the VAT is computed once per rate on the sum of that rate's line nets
// and rounded the same way — per document, as § 14 UStG and EN 16931 (XRechnung, ZUGFeRD) state it,
// not per line. Products are taken in BigInt, so no amount a company can invoice loses a cent to
// floating point.
import { AppError } from '../../shared/errors';

/** A quantity with up to three decimal places: `"3"`, `"1.5"`, `"-2"`, `"0.125"`. */
const QUANTITY = /^-?\d{1,9}(\.\d{1,3})?$/;

export interface LineInput {
  /** Decimal text with up to three places; negative for a returned item. */
  readonly quantity: string;
  /** Minor units per unit (cents), an integer. */
  readonly unitPrice: number;
  /** Basis points: 1900 for 19 %, 700 for 7 %, 0 for none. */
  readonly vatRate: number;
}

export interface RateTotal {
  readonly vatRate: number;
  readonly net: number;
  readonly vat: number;
}

export interface DocumentTotals {
  /** Each line's net, in the order given. */
  readonly lines: readonly number[];
  /** Per VAT rate, highest rate first. */
  readonly rates: readonly RateTotal[];
  readonly net: number;
  readonly vat: number;
  readonly gross: number;
}

/** `n / d` rounded half away from zero (d > 0). */
function divideRounded(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  const twice = 2n * (r < 0n ? -r : r);
  if (twice < d) return q;
  return n < 0n ? q - 1n : q + 1n;
}

/** The quantity in thousandths. */
export function thousandths(quantity: string): bigint {
  if (!QUANTITY.test(quantity)) {
    throw new AppError('validation', `not a quantity with at most three decimal places: ${quantity}`, {
      reason: 'sales_quantity',
    });
  }
  const negative = quantity.startsWith('-');
  const [whole = '0', fraction = ''] = quantity.replace('-', '').split('.');
  const value = BigInt(whole) * 1000n + BigInt(fraction.padEnd(3, '0'));
  return negative ? -value : value;
}

function safe(value: bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new AppError('validation', 'an amount of this document is too large', { reason: 'sales_amount_range' });
  }
  return n;
}

function checkLine({ unitPrice, vatRate }: LineInput): void {
  if (!Number.isSafeInteger(unitPrice)) {
    throw new AppError('validation', 'a unit price is a whole number of cents', { reason: 'sales_amount_range' });
  }
  if (!Number.isInteger(vatRate) || vatRate < 0 || vatRate > 10_000) {
    throw new AppError('validation', 'a VAT rate is between 0 and 100 %, in hundredths of a percent', {
      reason: 'sales_vat_rate',
    });
  }
}

/** The net of one line in cents: quantity × unit price, rounded half away from zero. */
export function lineNet(line: LineInput): number {
  checkLine(line);
  return safe(divideRounded(thousandths(line.quantity) * BigInt(line.unitPrice), 1000n));
}

/** A document's totals: line nets, then per rate the net and its VAT, then the sums. */
export function documentTotals(lines: readonly LineInput[]): DocumentTotals {
  const nets = lines.map(lineNet);
  const byRate = new Map<number, bigint>();
  lines.forEach((line, i) => byRate.set(line.vatRate, (byRate.get(line.vatRate) ?? 0n) + BigInt(nets[i] ?? 0)));
  const rates = [...byRate]
    .sort(([p], [q]) => q - p)
    .map(([vatRate, net]) => ({ vatRate, net: safe(net), vat: safe(divideRounded(net * BigInt(vatRate), 10_000n)) }));
  const net = safe(rates.reduce((sum, r) => sum + BigInt(r.net), 0n));
  const vat = safe(rates.reduce((sum, r) => sum + BigInt(r.vat), 0n));
  return { lines: nets, rates, net, vat, gross: safe(BigInt(net) + BigInt(vat)) };
}

/** The lines of a credit note that reverses a document: every quantity negated. */
export function reversed<L extends LineInput>(lines: readonly L[]): L[] {
  return lines.map((line) => ({
    ...line,
    quantity: line.quantity.startsWith('-') ? line.quantity.slice(1) : `-${line.quantity}`,
  }));
}

/** An amount written with a decimal point and at most two places (`29.33`, `-5`, `0.5`) in cents; null otherwise. */
export function centsOf(text: string): number | null {
  const m = /^(-?)(\d{1,15})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const cents = BigInt(m[2] ?? '0') * 100n + BigInt((m[3] ?? '').padEnd(2, '0'));
  const value = Number(m[1] === '-' ? -cents : cents);
  return Number.isSafeInteger(value) ? value : null;
}
