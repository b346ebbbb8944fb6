// From a row of a file to the fields of a new customer: which column fills which field (guessed
// from English and German headers when the user saved no mapping), and each cell read as people
// write it in spreadsheets — German decimal commas, country names instead of codes, tags in one
// cell, "Firma" or "Privat" for the kind. Every problem names its column and says what is wrong.
import { countryChoices, isCountry, type ListLanguage } from '../../../shared/reference-lists';
import {
  customerCreateSchema,
  importFields,
  initialStatuses,
  type CustomerFields,
  type CustomerStatus,
  type ImportField,
  type ImportMapping,
  type ParsedCustomerFields,
} from '../../../shared/contract';
import { foldForSearch } from '../customers.search';
import { cellText, type SourceCell, type TableDelimiter } from './table-source';

/** Headers that name a field, in English and German, as `headerKey` folds them. */
const SYNONYMS: Readonly<Record<ImportField, readonly string[]>> = {
  kind: ['kind', 'type', 'customer type', 'art', 'typ', 'kundenart', 'kundentyp'],
  name: ['name', 'company', 'company name', 'customer', 'customer name', 'firma', 'firmenname', 'kunde', 'kundenname'],
  firstName: ['first name', 'firstname', 'given name', 'forename', 'vorname'],
  lastName: ['last name', 'lastname', 'surname', 'family name', 'nachname', 'familienname', 'zuname'],
  legalForm: ['legal form', 'rechtsform', 'gesellschaftsform'],
  vatId: [
    'vat id',
    'vat',
    'vat number',
    'vat no',
    'ust id',
    'ustid',
    'ust idnr',
    'ustidnr',
    'umsatzsteuer id',
    'umsatzsteuer identifikationsnummer',
  ],
  taxNumber: ['tax number', 'tax no', 'tax id', 'steuernummer', 'steuer nr', 'stnr'],
  email: ['email', 'e mail', 'mail', 'email address', 'e mail adresse', 'emailadresse', 'mailadresse'],
  phone: ['phone', 'telephone', 'phone number', 'tel', 'telefon', 'telefonnummer', 'festnetz'],
  mobile: ['mobile', 'mobile phone', 'cell', 'cell phone', 'handy', 'mobil', 'mobiltelefon', 'mobilnummer'],
  fax: ['fax', 'telefax', 'fax number', 'faxnummer'],
  website: ['website', 'web', 'url', 'homepage', 'web site', 'webseite', 'internet', 'internetseite'],
  street: [
    'street',
    'address',
    'street address',
    'strasse',
    'adresse',
    'anschrift',
    'strasse und hausnummer',
    'rechnungsadresse strasse',
  ],
  postalCode: ['postal code', 'postcode', 'zip', 'zip code', 'plz', 'postleitzahl'],
  city: ['city', 'town', 'ort', 'stadt', 'wohnort'],
  country: ['country', 'country code', 'land', 'landercode', 'landerkennzeichen'],
  shippingStreet: [
    'shipping street',
    'shipping address',
    'delivery street',
    'lieferstrasse',
    'lieferadresse',
    'lieferanschrift',
    'lieferadresse strasse',
  ],
  shippingPostalCode: [
    'shipping postal code',
    'shipping zip',
    'delivery postal code',
    'liefer plz',
    'lieferadresse plz',
  ],
  shippingCity: ['shipping city', 'delivery city', 'lieferort', 'lieferadresse ort'],
  shippingCountry: ['shipping country', 'delivery country', 'lieferland', 'lieferadresse land'],
  iban: ['iban', 'bank account', 'account number', 'kontonummer', 'bankverbindung'],
  bic: ['bic', 'swift', 'swift code', 'bic swift'],
  accountHolder: ['account holder', 'kontoinhaber'],
  paymentDays: [
    'payment terms',
    'payment days',
    'payment term days',
    'zahlungsziel',
    'zahlungsziel tage',
    'zahlungsbedingungen',
  ],
  discountPercent: ['discount', 'discount percent', 'early payment discount', 'skonto', 'skonto prozent'],
  discountDays: ['discount days', 'skontotage', 'skonto tage', 'skontofrist'],
  creditLimit: ['credit limit', 'kreditlimit', 'kreditrahmen'],
  currency: ['currency', 'wahrung'],
  language: ['language', 'sprache', 'korrespondenzsprache'],
  tags: ['tags', 'tag', 'labels', 'categories', 'schlagworte', 'schlagworter', 'stichworte', 'kategorien', 'merkmale'],
  notes: [
    'notes',
    'note',
    'comment',
    'comments',
    'remarks',
    'notiz',
    'notizen',
    'bemerkung',
    'bemerkungen',
    'anmerkungen',
    'kommentar',
  ],
  status: ['status', 'stage', 'lifecycle', 'phase', 'kundenstatus'],
};

/** A header as the synonyms are written: folded, separators as single spaces. */
export function headerKey(header: string): string {
  return foldForSearch(header)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

const BY_HEADER = new Map<string, ImportField>(
  importFields.flatMap((field) => SYNONYMS[field].map((synonym) => [headerKey(synonym), field] as const)),
);

/**
 * The mapping headers suggest, given the fields by folded header (`headerKey`): each field from the
 * first column that names it; other columns unmapped. The customer and the sales import share it.
 */
export function guessFromHeaders<F extends string>(
  header: readonly string[],
  byHeader: ReadonlyMap<string, F>,
): Record<string, F | null> {
  const taken = new Set<F>();
  const mapping: Record<string, F | null> = {};
  for (const column of header) {
    if (column === '' || column in mapping) continue;
    const field = byHeader.get(headerKey(column)) ?? null;
    mapping[column] = field !== null && !taken.has(field) ? field : null;
    if (field !== null) taken.add(field);
  }
  return mapping;
}

/** The mapping the headers suggest: each field from the first column that names it; others unmapped. */
export const guessMapping = (header: readonly string[]): ImportMapping => guessFromHeaders(header, BY_HEADER);

/** Where a field lives in a new customer's input (`billingAddress.city`). */
const PATHS: Readonly<Record<ImportField, string>> = {
  kind: 'kind',
  name: 'name',
  firstName: 'firstName',
  lastName: 'lastName',
  legalForm: 'legalForm',
  vatId: 'vatId',
  taxNumber: 'taxNumber',
  email: 'email',
  phone: 'phone',
  mobile: 'mobile',
  fax: 'fax',
  website: 'website',
  street: 'billingAddress.street',
  postalCode: 'billingAddress.postalCode',
  city: 'billingAddress.city',
  country: 'billingAddress.country',
  shippingStreet: 'shippingAddress.street',
  shippingPostalCode: 'shippingAddress.postalCode',
  shippingCity: 'shippingAddress.city',
  shippingCountry: 'shippingAddress.country',
  iban: 'bankAccount.iban',
  bic: 'bankAccount.bic',
  accountHolder: 'bankAccount.holder',
  paymentDays: 'paymentTerms.days',
  discountPercent: 'paymentTerms.discountPercent',
  discountDays: 'paymentTerms.discountDays',
  creditLimit: 'creditLimit',
  currency: 'currency',
  language: 'language',
  tags: 'tags',
  notes: 'notes',
  status: 'status',
};
const FIELD_AT = new Map(Object.entries(PATHS).map(([field, path]) => [path, field as ImportField]));

export interface CellProblem {
  /** The column's header; null for the whole row. */
  readonly column: string | null;
  readonly reason: string;
}

export type RowReading =
  | { readonly ok: true; readonly fields: ParsedCustomerFields & { status?: CustomerStatus } }
  | { readonly ok: false; readonly problems: readonly CellProblem[] };

/** A cell that a spreadsheet would run: `=…`, `@…`, or `+`/`-` followed by something not a number. */
const FORMULA = /^(?:[=@]|[+-][^\d\s(.,])/;
const NEUTRALISED = /^'(?=[=+\-@])/;

/**
 * A cell's value as an import reads it: text trimmed (null when empty), a number as the XLSX had
 * it, or why it cannot be read: another encoding, or a formula (never run, never imported).
 */
export function cellValue(cell: SourceCell): string | number | null | { readonly problem: string } {
  if (typeof cell === 'number') return cell;
  if (typeof cell === 'object') {
    return {
      problem:
        cell.problem === 'encoding'
          ? 'not readable as UTF-8 (the rest of the file is): this row was saved in another encoding'
          : `a formula (${cell.text.slice(0, 40)}), not a value: formulas are not imported`,
    };
  }
  // An apostrophe before = + - @ is how exports (ours too) keep a spreadsheet from running a cell.
  const text = cell.trim().replace(NEUTRALISED, '');
  if (text === '') return null;
  if (FORMULA.test(text)) {
    return { problem: `looks like a spreadsheet formula (${text.slice(0, 40)}): formulas are not imported` };
  }
  return text;
}

/** Words for a value, looked up the way headers are (folded, without spaces). */
function byWord<T>(words: Record<string, T>): ReadonlyMap<string, T> {
  return new Map(Object.entries(words).map(([word, value]) => [wordKey(word), value]));
}

function wordKey(text: string): string {
  return headerKey(text).replaceAll(' ', '');
}

const KINDS = byWord<'company' | 'person'>({
  company: 'company',
  business: 'company',
  organisation: 'company',
  organization: 'company',
  b2b: 'company',
  firma: 'company',
  unternehmen: 'company',
  gewerblich: 'company',
  geschäftskunde: 'company',
  person: 'person',
  private: 'person',
  individual: 'person',
  consumer: 'person',
  b2c: 'person',
  privat: 'person',
  privatperson: 'person',
  privatkunde: 'person',
});

const STATUSES = byWord<CustomerStatus>({
  lead: 'lead',
  prospect: 'prospect',
  interessent: 'prospect',
  active: 'active',
  aktiv: 'active',
  kunde: 'active',
  customer: 'active',
  inactive: 'inactive',
  inaktiv: 'inactive',
  archived: 'archived',
  archiviert: 'archived',
});

let countryNames: Map<string, string> | null = null;
/** ISO codes, ISO alpha-3 excluded, and names in English and German (`Deutschland`, `Germany`). */
function countryCode(text: string): string {
  const upper = text.trim().toUpperCase();
  if (isCountry(upper)) return upper;
  countryNames ??= new Map(
    (['en', 'de'] as ListLanguage[]).flatMap((language) =>
      countryChoices(language).map(({ value, label }) => [headerKey(label), value] as const),
    ),
  );
  return countryNames.get(headerKey(text)) ?? upper;
}

/**
 * A decimal as written in either convention: `1.234,56` and `1,234.56` are the same; a lone comma
 * is a decimal comma; a lone dot is a decimal point, except in groups of three in a file whose cells
 * are separated by `;` (a German spreadsheet's `1.234`). Null when it is not a number.
 */
export function parseDecimal(text: string, delimiter: TableDelimiter | null): number | null {
  let value = text.replace(/[\s\u00a0%€$£]/g, '');
  if (value === '') return null;
  const comma = value.lastIndexOf(',');
  const dot = value.lastIndexOf('.');
  if (comma >= 0 && dot >= 0) {
    value = comma > dot ? value.replaceAll('.', '').replace(',', '.') : value.replaceAll(',', '');
  } else if (comma >= 0) {
    value = /^-?\d{1,3}(,\d{3}){2,}$/.test(value) ? value.replaceAll(',', '') : value.replace(',', '.');
  } else if (dot >= 0 && delimiter === ';' && /^-?\d{1,3}(\.\d{3})+$/.test(value)) {
    value = value.replaceAll('.', '');
  }
  if (!/^-?\d+(\.\d+)?$/.test(value)) return null;
  return Number(value);
}

/** A compiled mapping: which cell of a row fills which field. */
export interface RowReader {
  read(row: readonly SourceCell[]): RowReading;
  /** The column a field comes from (for reasons that name a field). */
  columnOf(field: ImportField): string | null;
  /** The column behind a path of the customer's input (`billingAddress.city`), if one fills it. */
  columnAt(path: string): string | null;
}

export function rowReader(
  header: readonly string[],
  mapping: ImportMapping,
  delimiter: TableDelimiter | null,
): RowReader {
  const columns: { index: number; header: string; field: ImportField }[] = [];
  header.forEach((name, index) => {
    const field = mapping[name];
    if (field) columns.push({ index, header: name, field });
  });
  const columnOf = (field: ImportField) => columns.find((c) => c.field === field)?.header ?? null;
  const columnAt = (path: string) => {
    const field = FIELD_AT.get(path);
    return field ? columnOf(field) : null;
  };

  function read(row: readonly SourceCell[]): RowReading {
    const problems: CellProblem[] = [];
    const extra = row.slice(header.length).filter((cell) => cellText(cell).trim() !== '');
    if (extra.length > 0) {
      problems.push({
        column: null,
        reason: `the row has ${header.length + extra.length} cells, but the header names ${header.length} columns`,
      });
    }
    const values = new Map<ImportField, string | number>();
    for (const { index, header: column, field } of columns) {
      const cell = cellValue(row[index] ?? '');
      if (cell === null) continue;
      if (typeof cell === 'object') problems.push({ column, reason: cell.problem });
      else values.set(field, cell);
    }
    const input = inputOf(values, (field, reason) => problems.push({ column: columnOf(field), reason }));
    if (problems.length > 0) return { ok: false, problems };
    const parsed = customerCreateSchema.safeParse(input);
    if (parsed.success) return { ok: true, fields: parsed.data };
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => ({ column: columnAt(issue.path.join('.')), reason: issue.message })),
    };
  }

  /** The create input the values make; problems with a value's form go to `problem`. */
  function inputOf(
    values: ReadonlyMap<ImportField, string | number>,
    problem: (field: ImportField, reason: string) => void,
  ): CustomerFields & { status?: string } {
    const text = (field: ImportField) => {
      const value = values.get(field);
      return value === undefined ? undefined : String(value);
    };
    const number = (field: ImportField) => {
      const value = values.get(field);
      if (value === undefined || typeof value === 'number') return value;
      const parsed = parseDecimal(value, delimiter);
      if (parsed === null) problem(field, `not a number: ${value.slice(0, 40)}`);
      return parsed ?? undefined;
    };
    const input: CustomerFields & { status?: string } = {};
    for (const field of [
      'name',
      'firstName',
      'lastName',
      'legalForm',
      'taxNumber',
      'email',
      'phone',
      'mobile',
      'fax',
      'website',
      'notes',
      'currency',
    ] as const) {
      const value = text(field);
      if (value !== undefined) input[field] = field === 'currency' ? value.toUpperCase() : value;
    }
    const language = text('language');
    if (language !== undefined) input.language = language.toLowerCase();
    const vatId = text('vatId');
    if (vatId !== undefined) input.vatId = vatId;

    const kind = text('kind');
    if (kind !== undefined) {
      const known = KINDS.get(wordKey(kind));
      if (known) input.kind = known;
      else problem('kind', `not a kind of customer: ${kind.slice(0, 40)} (company or person)`);
    } else if (input.name === undefined && (input.lastName !== undefined || input.firstName !== undefined)) {
      input.kind = 'person';
    }
    const status = text('status');
    if (status !== undefined) {
      const known = STATUSES.get(wordKey(status));
      if (!known) problem('status', `not a status: ${status.slice(0, 40)} (lead, prospect or active)`);
      else if (!(initialStatuses as readonly string[]).includes(known)) {
        problem('status', `a new customer starts as lead, prospect or active, not ${known}`);
      } else input.status = known;
    }

    const address = (prefix: '' | 'shipping') => {
      const part = (name: 'street' | 'postalCode' | 'city' | 'country') =>
        text((prefix === '' ? name : `shipping${name[0]?.toUpperCase()}${name.slice(1)}`) as ImportField);
      const country = part('country');
      const parts = { street: part('street'), postalCode: part('postalCode'), city: part('city') };
      if (country === undefined && Object.values(parts).every((v) => v === undefined)) return undefined;
      return { ...parts, ...(country !== undefined && { country: countryCode(country) }) };
    };
    const billing = address('');
    if (billing) input.billingAddress = billing;
    const shipping = address('shipping');
    if (shipping) input.shippingAddress = shipping;

    const iban = text('iban');
    const bic = text('bic');
    const holder = text('accountHolder');
    if (iban !== undefined) input.bankAccount = { iban, bic: bic ?? null, holder: holder ?? null };
    else if (bic !== undefined || holder !== undefined) problem('bic', 'a BIC or account holder needs an IBAN');

    const days = number('paymentDays');
    const discount = number('discountPercent');
    const discountDays = number('discountDays');
    if (days !== undefined) {
      input.paymentTerms = {
        days,
        ...(discount !== undefined && { discountPercent: discount }),
        ...(discountDays !== undefined && { discountDays }),
      };
    } else if (discount !== undefined || discountDays !== undefined) {
      problem('discountPercent', 'a discount needs the payment days (net) as well');
    }
    const limit = number('creditLimit');
    if (limit !== undefined) input.creditLimit = Math.round(limit * 100);

    const tags = text('tags');
    if (tags !== undefined)
      input.tags = tags
        .split(/[,;|]/)
        .map((t) => t.trim())
        .filter((t) => t !== '');
    return input;
  }

  return { read, columnOf, columnAt };
}
