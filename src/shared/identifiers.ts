// Business identifiers of a customer record, checked offline and stored in one canonical form:
// VAT IDs (EU formats and check digits, jsvat-next), IBAN and BIC (ibantools), phone numbers
// (E.164, libphonenumber-js with full metadata). Shared by the main process (the authority) and
// the renderer (the same check before sending). An offline check says "format valid", never
// "exists": only the tax office or the bank knows that.
//
// Libraries rather than our own tables: each keeps country rules current (new IBAN countries,
// renumbered phone ranges, VAT check-digit schemes) that we would otherwise maintain by hand.
import { electronicFormatIBAN, friendlyFormatIBAN, isValidBIC, isValidIBAN } from 'ibantools';
import * as jsvatModule from 'jsvat-next';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';

// Node's ESM loader sees only part of jsvat-next's minified CommonJS exports (not checkVAT), and
// finds the whole module under `default`; bundlers read its ES build, where the names are direct.
const jsvat: typeof jsvatModule =
  typeof jsvatModule.checkVAT === 'function'
    ? jsvatModule
    : (jsvatModule as unknown as { default: typeof jsvatModule }).default;

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false };

/** Spaces, dots, dashes and slashes people type inside identifiers. */
const separators = /[\s.\-/]/g;

export interface VatId {
  /** Country prefix and number, without separators (`DE136695976`). */
  readonly id: string;
  /** ISO 3166-1 alpha-2 of the country the number belongs to (`DE`; Greece's `EL` gives `GR`). */
  readonly country: string;
}

/** An EU VAT ID (or another country jsvat-next knows) in a valid format with valid check digits. */
export function checkVatId(input: string): Checked<VatId> {
  const id = input.replace(separators, '').toUpperCase();
  if (id === '') return { ok: false };
  const result = jsvat.checkVAT(id, jsvat.countries);
  if (!result.isValid || !result.country) return { ok: false };
  return { ok: true, value: { id, country: result.country.isoCode.short } };
}

export interface Iban {
  /** Electronic format, as stored and sent in payment files (`DE89370400440532013000`). */
  readonly iban: string;
  readonly country: string;
}

export function checkIban(input: string): Checked<Iban> {
  const iban = electronicFormatIBAN(input) ?? '';
  if (!isValidIBAN(iban)) return { ok: false };
  return { ok: true, value: { iban, country: iban.slice(0, 2) } };
}

/** An IBAN in groups of four, as printed on invoices (`DE89 3704 0044 0532 0130 00`). */
export function printIban(iban: string): string {
  return friendlyFormatIBAN(iban) ?? iban;
}

/** A BIC of 8 or 11 characters with a valid country (`COBADEFFXXX`). */
export function checkBic(input: string): Checked<string> {
  const bic = input.replace(/\s/g, '').toUpperCase();
  return isValidBIC(bic) ? { ok: true, value: bic } : { ok: false };
}

/**
 * A phone number as E.164 (`+49301234567`). Numbers without a country code are read as numbers of
 * `defaultCountry` (the customer's country, else the company's). Only numbers that exist in the
 * numbering plan are accepted (full metadata), not just any digits of the right length.
 */
export function checkPhone(input: string, defaultCountry: string): Checked<string> {
  const parsed = parsePhoneNumberFromString(input, defaultCountry.toUpperCase() as CountryCode);
  return parsed?.isValid() ? { ok: true, value: parsed.number } : { ok: false };
}

/** An E.164 number as people of `country` dial it: national format at home, international abroad. */
export function printPhone(e164: string, country: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return e164;
  return parsed.country === country.toUpperCase() ? parsed.formatNational() : parsed.formatInternational();
}

/**
 * A zod string that must pass `check` and becomes its canonical form. A failure is a custom issue
 * with `params.rule`, which the forms and the main process turn into the same sentence
 * (`errors.<rule>` in the locales).
 */
function identifier<T>(rule: string, check: (input: string) => Checked<T>) {
  return z
    .string()
    .trim()
    .min(1)
    .max(100)
    .transform((input, ctx): T => {
      const checked = check(input);
      if (checked.ok) return checked.value;
      ctx.addIssue({ code: 'custom', message: `not a valid ${rule.replace('_', ' ')}`, params: { rule } });
      return z.NEVER;
    });
}

export const vatIdSchema = identifier('vat_id', checkVatId);
export const ibanSchema = identifier('iban', checkIban);
export const bicSchema = identifier('bic', checkBic);
export const phoneSchema = (defaultCountry: string) =>
  identifier('phone', (input) => checkPhone(input, defaultCountry));

/** The field rules above, for the test that every one has a sentence in both languages. */
export const IDENTIFIER_RULES = ['vat_id', 'iban', 'bic', 'phone'] as const;
