// The search index of customers: words in a table of their own, ordered by (rank, word, sort key),
// the same on SQLite and Postgres. A query word matches every indexed word it begins; results
// come best first — name and number (rank 0) before contact ways (1) before places and tags (2),
// an exact word before longer ones, then by name and number — and because that is the index's own
// order, the first page of a query that matches half a million customers reads about one page of
// the index instead of scoring every match (what FTS5's `ORDER BY rank` or a tsvector ranking
// would do). See docs/customers.md.
import { getCountries, getCountryCallingCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CustomerRecord } from './customers.record';

/** Indexed words are cut to this length; a longer query word is cut the same way. */
export const MAX_WORD = 48;

const ASCII = /^\p{ASCII}*$/u;

/**
 * Lower case, without diacritics, with German spellings folded both ways: `ß` is `ss`, and `ä`,
 * `ö`, `ü` fold like `ae`, `oe`, `ue` (all to `a`, `o`, `u`), so `Müller`, `Muller` and `Mueller`
 * are the same word. The same fold serves the index and the query; the displayed text is untouched.
 */
export function foldForSearch(text: string): string {
  const plain = ASCII.test(text)
    ? text.toLowerCase()
    : text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replaceAll('ß', 'ss');
  return plain.replace(/([aou])e/g, '$1');
}

/** The sort key of a name: folded, so `Ärzte` sorts with `Arzte`, then the number breaks ties. */
export function sortName(name: string): string {
  return foldForSearch(name);
}

/**
 * The sort key of a value that may be empty (email, city): folded, and an empty value sorts after
 * every other (last ascending, first descending, as Postgres orders NULLs by default).
 */
export function sortKey(value: string | null): string {
  return value ? foldForSearch(value) : '\u{10FFFF}';
}

const separator = /[^\p{L}\p{N}]+/u;

/** Zeros before the last digit of a word of digits only. */
const LEADING_ZEROS = /^0+(?=\d+$)/;

/**
 * A word of digits without its leading zeros (`00012` is `12`, `0301234567` is `301234567`), in
 * the index and in queries alike: a customer number, a phone number dialled with its trunk prefix
 * or an international `00`, and a postal code are found however many zeros they are typed with, and
 * the index holds one word where it held two.
 */
function withoutLeadingZeros(word: string): string {
  return word.replace(LEADING_ZEROS, '');
}

/**
 * Endings inside a run shorter than this are not indexed on their own: `de` of `info@weber.de`
 * would stand for most customers and find none of them better than its prefix does.
 */
const MIN_ENDING = 3;

/**
 * The words of a value: for each run between spaces, every ending that starts at a word inside it,
 * without separators — `jw@muster.de` gives `jwmusterde` and `musterde` (not `de`: see
 * MIN_ENDING), so `muster.de` and `jw@muster` both find it, and `Müller-Lüdenscheidt` is found by
 * `Lüdenscheidt`.
 */
export function wordsOfValue(value: string): string[] {
  const words: string[] = [];
  for (const chunk of foldForSearch(value).split(/\s+/)) {
    const parts = chunk.split(separator).filter((p) => p.length > 0);
    for (let i = 0; i < parts.length; i++) {
      const word = parts.slice(i).join('');
      if (i === 0 || word.length >= MIN_ENDING) words.push(withoutLeadingZeros(word.slice(0, MAX_WORD)));
    }
  }
  return words;
}

export interface IndexedWord {
  readonly word: string;
  readonly rank: 0 | 1 | 2;
}

/** The country calling codes: E.164 assigns them as a prefix code, so none begins another. */
const CALLING_CODES = new Set(getCountries().map((country) => getCountryCallingCode(country)));

/** The national number of an E.164 number's digits (its calling code cut off). */
function nationalNumber(digits: string): string | undefined {
  for (let length = 1; length <= 3; length++) {
    if (CALLING_CODES.has(digits.slice(0, length))) return digits.slice(length);
  }
  // Codes no country uses (+800, +882 …): the full metadata knows them.
  return parsePhoneNumberFromString(`+${digits}`)?.nationalNumber;
}

/**
 * Phone numbers are found by their digits: as stored (E.164 without +) and as dialled at home
 * (030 …: the query's leading zeros go, so the national number finds it).
 */
export function phoneWords(e164: string): string[] {
  const digits = e164.replace(/\D/g, '');
  const national = nationalNumber(digits);
  return national ? [digits, withoutLeadingZeros(national)] : [digits];
}

/**
 * Every word of a customer with its rank; each word once, at its best rank. Its contact persons'
 * names count as contact ways (rank 1): a customer is found by the people one talks to there.
 */
export function customerWords(record: CustomerRecord, contactNames: readonly string[] = []): IndexedWord[] {
  if (record.erasedAt !== null) return [];
  const best = new Map<string, 0 | 1 | 2>();
  const add = (rank: 0 | 1 | 2, words: readonly string[]) => {
    for (const word of words) {
      const known = best.get(word);
      if (word.length > 0 && (known === undefined || rank < known)) best.set(word, rank);
    }
  };
  add(0, wordsOfValue(record.name));
  for (const name of [record.firstName, record.lastName]) if (name) add(0, wordsOfValue(name));
  add(0, wordsOfValue(record.number));
  const digits = record.number.replace(/\D/g, '');
  if (digits) add(0, [withoutLeadingZeros(digits)]);
  if (record.email) add(1, wordsOfValue(record.email));
  for (const name of contactNames) add(1, wordsOfValue(name));
  for (const phone of [record.phone, record.mobile, record.fax]) if (phone) add(1, phoneWords(phone));
  for (const address of [record.billingAddress, record.shippingAddress]) {
    if (!address) continue;
    for (const part of [address.city, address.postalCode, address.street]) if (part) add(2, wordsOfValue(part));
  }
  for (const tag of record.tags) add(2, wordsOfValue(tag));
  return [...best].map(([word, rank]) => ({ word, rank }));
}

/** Between the ranks of a word list (words are letters and digits only, so never part of one). */
const RANKS_APART = ' |';

/**
 * A customer's words as one text (customer_word_lists): a space before every word, the ranks in
 * order and apart by `|` — ` weber ltd k0000002 | info webertde | berlin 10115`. A query word
 * begins one of its words exactly when the text contains a space and the query word
 * (`instr(words, ' ' || ?)`), so one lookup checks every other word of a query.
 */
export function listOfWords(words: readonly IndexedWord[]): string {
  const ranks: string[][] = [[], [], []];
  for (const { word, rank } of words) ranks[rank]?.push(word);
  return ranks.map((list) => list.map((word) => ` ${word}`).join('')).join(RANKS_APART);
}

/** The words of a word list, with their ranks (listOfWords backwards). */
export function wordsOfList(list: string): IndexedWord[] {
  return list.split(RANKS_APART).flatMap((part, rank) =>
    part
      .split(' ')
      .filter((word) => word.length > 0)
      .map((word) => ({ word, rank: rank as 0 | 1 | 2 })),
  );
}

/** What a word list contains where one of its words begins `word` (see listOfWords). */
export const listNeedle = (word: string): string => ` ${word}`;

/** A query that looks like a phone number is one word of its digits (`030 1234567`). */
const PHONE_QUERY = /^\+?[\d\s()/.-]{6,}$/;

/**
 * The words of a user's query: any order, extra spaces ignored, at most 8 words. Search text is
 * never query syntax: quotes, operators and wildcards are just characters that fold away.
 */
export function queryWords(search: string): string[] {
  const trimmed = search.trim();
  if (PHONE_QUERY.test(trimmed) && (trimmed.match(/\d/g)?.length ?? 0) >= 6) {
    return [withoutLeadingZeros(trimmed.replace(/\D/g, ''))];
  }
  const words = new Set<string>();
  for (const chunk of foldForSearch(trimmed).split(/\s+/)) {
    const word = withoutLeadingZeros(chunk.split(separator).join('').slice(0, MAX_WORD));
    if (word.length > 0) words.add(word);
  }
  // A word that begins another word of the query adds nothing (`mul muller`).
  const list = [...words];
  return list.filter((w) => !list.some((other) => other !== w && other.startsWith(w))).slice(0, 8);
}

/** The end of a prefix range: every word beginning `word` is ≥ word and < this. */
export function prefixEnd(word: string): string {
  return `${word}\u{10FFFF}`;
}
