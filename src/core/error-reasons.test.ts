// Every reason the main process gives for a refusal (`new AppError(…, { reason: '…' })`) has its
// sentence in both languages (errors.reasons.<reason>), so no refusal reaches a German user as the
// main process's English words.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const sentences = (language: 'en' | 'de') => {
  const tree = JSON.parse(readFileSync(`src/renderer/src/locales/${language}.json`, 'utf8')) as {
    errors: { reasons: Record<string, string> };
  };
  return new Set(Object.keys(tree.errors.reasons).map((key) => key.replace(/_(one|other)$/, '')));
};

describe('error reasons', () => {
  it('each have a sentence in English and German', () => {
    const sources = ['src/core', 'src/main', 'src/shared']
      .flatMap((dir) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((file) => join(dir, file)))
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));
    const reasons = new Set<string>();
    for (const file of sources) {
      for (const [error] of readFileSync(file, 'utf8').matchAll(/new AppError\([\s\S]*?\);/g)) {
        for (const [, reason] of error.matchAll(/reason: '(\w+)'/g)) if (reason) reasons.add(reason);
      }
    }
    expect(reasons.size).toBeGreaterThan(30);
    for (const language of ['en', 'de'] as const) {
      const known = sentences(language);
      expect(
        [...reasons].filter((reason) => !known.has(reason)),
        language,
      ).toEqual([]);
    }
  });
});
