// The search index's words and the query's words: folding, splitting, phone numbers, user text.
import fc from 'fast-check';
import { getCountries, getExampleNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { describe, expect, it } from 'vitest';
import {
  foldForSearch,
  listNeedle,
  listOfWords,
  MAX_WORD,
  phoneWords,
  queryWords,
  wordsOfList,
  wordsOfValue,
} from './customers.search';

/** The definition, without the ASCII shortcut foldForSearch takes. */
const folded = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replaceAll('ß', 'ss')
    .replace(/([aou])e/g, '$1');

describe('foldForSearch', () => {
  it('lowers case, drops diacritics, folds German spellings both ways and splits compatibility forms', () => {
    expect(foldForSearch('Jürgen WEISS')).toBe('jurgen weiss');
    expect(foldForSearch('Weiß')).toBe('weiss');
    expect(foldForSearch('Zoë Öztürk-Ćosić')).toBe('zo ozturk-cosic');
    expect(foldForSearch('ﬁrma №5')).toBe('firma no5');
    for (const same of ['Müller', 'Muller', 'Mueller', 'MUELLER']) expect(foldForSearch(same)).toBe('muller');
    expect(foldForSearch('Straße')).toBe(foldForSearch('Strasse'));
    expect(foldForSearch('Goethe')).toBe(foldForSearch('Göthe'));
  });

  it('gives the same result for ASCII and any other text as the full fold does (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), (text) => {
        expect(foldForSearch(text)).toBe(folded(text));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('words of a value', () => {
  it('indexes every ending that starts at a word, without separators', () => {
    expect(wordsOfValue('jw@muster.de')).toEqual(['jwmusterde', 'musterde']);
    expect(wordsOfValue('info@weber.com')).toEqual(['infowebercom', 'webercom', 'com']);
    expect(wordsOfValue('Müller-Lüdenscheidt GmbH')).toEqual(['mullerludenscheidt', 'ludenscheidt', 'gmbh']);
  });

  it('keeps words of digits without their leading zeros', () => {
    expect(wordsOfValue('K-00012')).toEqual(['k00012', '12']);
    expect(wordsOfValue('01067 Dresden')).toEqual(['1067', 'dresden']);
    expect(wordsOfValue('0 00 000')).toEqual(['0', '0', '0']);
  });

  it('cuts long words', () => {
    expect(wordsOfValue('x'.repeat(100))[0]).toHaveLength(MAX_WORD);
  });
});

describe('words of a query', () => {
  it('takes words in any order, ignores extra spaces, and drops words that begin another', () => {
    expect(queryWords(' anna   schmidt ')).toEqual(['anna', 'schmidt']);
    expect(queryWords('Mül Müller')).toEqual(['muller']);
    expect(queryWords('K-00012')).toEqual(['k00012']);
    expect(queryWords("O'Brien")).toEqual(['obrien']);
  });

  it('reads a phone number as one word of digits', () => {
    expect(queryWords('030 1234567')).toEqual(['301234567']);
    expect(queryWords('+49 (30) 123-4567')).toEqual(['49301234567']);
    expect(queryWords('0049 30 1234567')).toEqual(['49301234567']);
    expect(queryWords('2026 Kiel')).toEqual(['2026', 'kiel']);
  });

  it('drops the leading zeros of a word of digits, as the index does', () => {
    expect(queryWords('K-00012')).toEqual(['k00012']);
    expect(queryWords('00012')).toEqual(['12']);
    expect(queryWords('01067')).toEqual(['1067']);
    expect(queryWords('000')).toEqual(['0']);
  });

  it('treats any text as words, never as syntax: at most 8 words of bounded length (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 200 })), (text) => {
        const words = queryWords(text);
        expect(words.length).toBeLessThanOrEqual(8);
        for (const word of words) {
          expect(word.length).toBeGreaterThan(0);
          expect(word.length).toBeLessThanOrEqual(MAX_WORD);
          expect(word).toMatch(/^[\p{L}\p{N}]+$/u);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('words of a phone number', () => {
  it('are its digits and its national number, as libphonenumber reads it, in every country', () => {
    for (const country of getCountries()) {
      const example = getExampleNumber(country, examples);
      if (!example) continue;
      const e164 = example.number;
      const national = parsePhoneNumberFromString(e164)?.nationalNumber ?? '';
      expect(phoneWords(e164), `${country} ${e164}`).toEqual([e164.slice(1), national.replace(/^0+(?=\d)/, '')]);
    }
  });

  it('read codes no country uses from the full metadata', () => {
    expect(phoneWords('+80012345678')).toEqual(['80012345678', '12345678']);
  });
});

describe('word lists', () => {
  const indexed = fc.array(
    fc.record({
      word: fc.oneof(...['weber', 'ltd', 'k0000002', 'berlin', '10115', 'de'].map((w) => fc.constant(w)), fc.string()),
      rank: fc.constantFrom(0 as const, 1 as const, 2 as const),
    }),
    { maxLength: 25 },
  );
  // Words as customerWords makes them: folded, letters and digits only, each once.
  const asIndexed = (list: readonly { word: string; rank: 0 | 1 | 2 }[]) => {
    const seen = new Set<string>();
    return list
      .map(({ word, rank }) => ({ word: wordsOfValue(word).join(''), rank }))
      .filter(({ word }) => word.length > 0 && !seen.has(word) && seen.add(word));
  };

  it('give back the words and ranks they were made of', () => {
    fc.assert(
      fc.property(indexed, (list) => {
        const words = asIndexed(list);
        const byRank = (ws: readonly { word: string; rank: number }[]) =>
          [...ws].sort((a, b) => a.rank - b.rank || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0));
        expect(byRank(wordsOfList(listOfWords(words)))).toEqual(byRank(words));
      }),
    );
    expect(
      listOfWords([
        { word: 'weber', rank: 0 },
        { word: 'berlin', rank: 2 },
      ]),
    ).toBe(' weber | | berlin');
  });

  it('contain the needle of a query word exactly when one of their words begins with it (property)', () => {
    fc.assert(
      fc.property(indexed, fc.oneof(fc.constantFrom('we', 'berl', 'k00', '1', 'lt'), fc.string()), (list, typed) => {
        const words = asIndexed(list);
        for (const query of queryWords(typed)) {
          const found = listOfWords(words).includes(listNeedle(query));
          expect(found).toBe(words.some(({ word }) => word.startsWith(query)));
        }
      }),
      { numRuns: 500 },
    );
  });
});
