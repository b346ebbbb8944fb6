// The customer record's reference lists: ISO codes, named in German and English.
import { describe, expect, it } from 'vitest';
import {
  countryChoices,
  countryName,
  currencyChoices,
  isCountry,
  isCurrency,
  isLanguage,
  languageChoices,
} from './reference-lists';

describe('reference lists', () => {
  it('know the ISO codes and refuse others', () => {
    expect(['DE', 'AT', 'CH', 'XK', 'GB'].every(isCountry)).toBe(true);
    expect(['ZZ', 'de', 'DEU', ''].some(isCountry)).toBe(false);
    expect(['EUR', 'CHF', 'USD'].every(isCurrency)).toBe(true);
    expect(['EURO', 'XXX1', 'eur'].some(isCurrency)).toBe(false);
    expect(['de', 'en', 'fr'].every(isLanguage)).toBe(true);
    expect(isLanguage('xx')).toBe(false);
  });

  it('name every choice in German and English, sorted by name', () => {
    const german = countryChoices('de');
    expect(german.length).toBeGreaterThan(240);
    expect(german.find((c) => c.value === 'DE')?.label).toBe('Deutschland');
    expect(countryName('GB', 'en')).toBe('United Kingdom');
    expect(german.map((c) => c.label)).toEqual([...german.map((c) => c.label)].sort((a, b) => a.localeCompare(b)));
    expect(currencyChoices('de').find((c) => c.value === 'EUR')?.label).toBe('EUR – Euro');
    expect(languageChoices('de').find((c) => c.value === 'en')?.label).toBe('Englisch');
  });
});
