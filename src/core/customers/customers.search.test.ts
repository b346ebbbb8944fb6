// The search index's words and the query's words: folding, splitting, phone numbers, user text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldForSearch, MAX_WORD, queryWords, wordsOfValue } from './customers.search';

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
    expect(wordsOfValue('jw@muster.de')).toEqual(['jwmusterde', 'musterde', 'de']);
    expect(wordsOfValue('Müller-Lüdenscheidt GmbH')).toEqual(['mullerludenscheidt', 'ludenscheidt', 'gmbh']);
    expect(wordsOfValue('K-00012')).toEqual(['k00012', '00012']);
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
    expect(queryWords('030 1234567')).toEqual(['0301234567']);
    expect(queryWords('+49 (30) 123-4567')).toEqual(['49301234567']);
    expect(queryWords('2026 Kiel')).toEqual(['2026', 'kiel']);
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
