// The reference lists of a customer record, in English and German: countries (the ISO 3166-1
// alpha-2 codes from i18n-iso-countries, which keeps the list current), currencies (ISO 4217, the
// ones the platform's ICU knows) and languages (ISO 639-1). Names come from the platform's ICU data
// (CLDR) through Intl.DisplayNames, the same in Node and Chromium, so no name tables are bundled.
import countries from 'i18n-iso-countries';

export type ListLanguage = 'de' | 'en';

export interface Choice {
  readonly value: string;
  readonly label: string;
}

const byLabel = (a: Choice, b: Choice) => a.label.localeCompare(b.label);

export function isCountry(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && countries.isValid(code);
}

let currencies: ReadonlySet<string> | null = null;
export function isCurrency(code: string): boolean {
  currencies ??= new Set(Intl.supportedValuesOf('currency'));
  return currencies.has(code);
}

/** The languages a customer can be written to in (their correspondence language). */
const LANGUAGES = [
  'de',
  'en',
  'fr',
  'it',
  'es',
  'pt',
  'nl',
  'da',
  'sv',
  'nb',
  'fi',
  'pl',
  'cs',
  'sk',
  'hu',
  'ro',
  'bg',
  'hr',
  'sl',
  'el',
  'tr',
  'ru',
  'uk',
  'et',
  'lv',
  'lt',
  'ar',
  'zh',
  'ja',
  'ko',
] as const;

export function isLanguage(code: string): boolean {
  return (LANGUAGES as readonly string[]).includes(code);
}

/** A list made once per language: forms render on every keystroke and must not rebuild it. */
function perLanguage(make: (language: ListLanguage) => Choice[]): (language: ListLanguage) => readonly Choice[] {
  const made = new Map<ListLanguage, readonly Choice[]>();
  return (language) => {
    let list = made.get(language);
    if (!list) made.set(language, (list = make(language)));
    return list;
  };
}

/** Countries by name in `language`, for pickers. */
export const countryChoices = perLanguage((language) => {
  const names = new Intl.DisplayNames([language], { type: 'region' });
  return Object.keys(countries.getAlpha2Codes())
    .map((value) => ({ value, label: names.of(value) ?? value }))
    .sort(byLabel);
});

export function countryName(code: string, language: ListLanguage): string {
  return new Intl.DisplayNames([language], { type: 'region' }).of(code) ?? code;
}

export const currencyChoices = perLanguage((language) => {
  const names = new Intl.DisplayNames([language], { type: 'currency' });
  return Intl.supportedValuesOf('currency')
    .map((value) => ({ value, label: `${value} – ${names.of(value) ?? value}` }))
    .sort((a, b) => a.value.localeCompare(b.value));
});

export const languageChoices = perLanguage((language) => {
  const names = new Intl.DisplayNames([language], { type: 'language' });
  return LANGUAGES.map((value) => ({ value, label: names.of(value) ?? value })).sort(byLabel);
});
