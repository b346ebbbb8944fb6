// Both languages hold the same keys (the type check finds German keys missing; this finds extra
// ones), every placeholder of a text exists in its translation, and no German text is left English.
// (src/core/error-reasons.test.ts checks that every refusal's reason has its sentence.)
import { describe, expect, it } from 'vitest';
import { CUSTOMER_RULES } from '../../../shared/contract';
import { IDENTIFIER_RULES } from '../../../shared/identifiers';
import de from './de.json';
import en from './en.json';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const english = flatten(en);
const german = flatten(de);
const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();

describe('translations', () => {
  it('have the same keys in German and English', () => {
    expect([...german.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it('keep every placeholder', () => {
    for (const [key, text] of english) expect(placeholders(german.get(key) ?? ''), key).toEqual(placeholders(text));
  });

  it('translate every sentence (the same text in both only for names, shortcuts and symbols)', () => {
    const same = [...english].filter(([key, text]) => german.get(key) === text && /[a-z]{4,} [a-z]{3,}/i.test(text));
    expect(same.map(([key]) => key)).toEqual([]);
  });

  it('have a sentence for every field rule of a schema’s own checks (identifiers)', () => {
    for (const rule of [...IDENTIFIER_RULES, ...CUSTOMER_RULES]) {
      expect(english.get(`errors.${rule}`), rule).toBeTruthy();
      expect(german.get(`errors.${rule}`), rule).toBeTruthy();
    }
  });
});
