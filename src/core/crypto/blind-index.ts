// A keyed blind index: words are stored as truncated HMACs under a tenant key, so a table of them
// answers "which rows have a word starting with …" without holding any readable text. It cannot
// answer substring, fuzzy or range queries, and equal words give equal terms (their frequency shows).
import { createHmac } from 'node:crypto';

/** Word prefixes longer than this are not indexed; a longer query word is cut to it. */
export const MAX_PREFIX = 20;

export function blindTerm(key: Buffer, word: string): string {
  return createHmac('sha256', key).update(word.slice(0, MAX_PREFIX)).digest('base64url').slice(0, 22);
}

/** The words of already folded text: runs of letters and digits. */
export function wordsOf(folded: string): string[] {
  return folded.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
}

/** Every prefix of every word, as terms (deduplicated). */
export function prefixTerms(key: Buffer, folded: string): string[] {
  const prefixes = new Set<string>();
  for (const word of wordsOf(folded)) {
    for (let n = 1; n <= Math.min(word.length, MAX_PREFIX); n++) prefixes.add(word.slice(0, n));
  }
  return [...prefixes].map((p) => blindTerm(key, p));
}
