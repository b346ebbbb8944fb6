// The packaging configuration: every Electron fuse that hardens the shipped binary is set, and
// each name is one electron-builder knows (a misspelt key would be dropped without a word).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const config = z
  .object({ electronFuses: z.record(z.string(), z.boolean()) })
  .parse(load(readFileSync(new URL('../../electron-builder.yml', import.meta.url), 'utf8')));

const schemeFile = createRequire(import.meta.url).resolve('app-builder-lib/scheme.json');
const scheme = z
  .object({
    properties: z.record(z.string(), z.unknown()),
    definitions: z.object({ FuseOptionsV1: z.object({ properties: z.record(z.string(), z.unknown()) }) }),
  })
  .parse(JSON.parse(readFileSync(schemeFile, 'utf8')));

describe('electron-builder configuration', () => {
  it.each([
    ['runAsNode', false],
    ['enableNodeOptionsEnvironmentVariable', false],
    ['enableNodeCliInspectArguments', false],
    ['enableEmbeddedAsarIntegrityValidation', true],
    ['onlyLoadAppFromAsar', true],
    ['enableCookieEncryption', true],
  ] as const)('sets the fuse %s to %s', (fuse, expected) => {
    expect(config.electronFuses[fuse]).toBe(expected);
  });

  it('uses only option names electron-builder knows', () => {
    expect(Object.keys(scheme.properties)).toContain('electronFuses');
    const known = Object.keys(scheme.definitions.FuseOptionsV1.properties);
    expect(Object.keys(config.electronFuses).filter((name) => !known.includes(name))).toEqual([]);
  });
});
