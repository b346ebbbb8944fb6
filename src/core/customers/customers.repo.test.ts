// Folding for search: what the database compares, the same on both dialects and for the query.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { containsPattern, foldForSearch } from './customers.repo';

/** The definition, without the ASCII shortcut foldForSearch takes. */
const folded = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replaceAll('ß', 'ss');

describe('foldForSearch', () => {
  it('lowers case, drops diacritics, writes ß as ss and splits compatibility forms', () => {
    expect(foldForSearch('Jürgen WEISS')).toBe('jurgen weiss');
    expect(foldForSearch('Weiß')).toBe('weiss');
    expect(foldForSearch('Zoë Öztürk-Ćosić')).toBe('zoe ozturk-cosic');
    expect(foldForSearch('ﬁrma №5')).toBe('firma no5');
    expect(foldForSearch('ANNA.mueller@example.org')).toBe('anna.mueller@example.org');
  });

  it('gives the same result for ASCII and any other text as the full fold does (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), (text) => {
        expect(foldForSearch(text)).toBe(folded(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('takes %, _ and \\ in a search literally', () => {
    expect(containsPattern('50%_Ä\\')).toBe('%50\\%\\_a\\\\%');
  });
});
