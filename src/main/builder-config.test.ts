// The packaging configuration: every Electron fuse that hardens the shipped binary is set, and
// each name is one electron-builder knows (a misspelt key would be dropped without a word).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const raw: unknown = load(readFileSync(new URL('../../electron-builder.yml', import.meta.url), 'utf8'));
const config = z
  .object({
    electronFuses: z.record(z.string(), z.boolean()),
    publish: z.array(z.object({ provider: z.string(), channel: z.string().optional() })),
  })
  .parse(raw);

const schemeFile = createRequire(import.meta.url).resolve('app-builder-lib/scheme.json');
const rawScheme: unknown = JSON.parse(readFileSync(schemeFile, 'utf8'));
const scheme = z
  .object({
    properties: z.record(z.string(), z.unknown()),
    definitions: z.object({ FuseOptionsV1: z.object({ properties: z.record(z.string(), z.unknown()) }) }),
  })
  .parse(rawScheme);

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

  it('is valid against electron-builder’s own schema (a wrong key or value fails here, not on a packaging machine)', () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(rawScheme as object);
    expect(validate(raw), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...(raw as object), notAnOption: true })).toBe(false);
  });

  it('publishes to a generic HTTPS folder that electron-updater reads (the app sets the address at run time)', () => {
    expect(config.publish).toEqual([expect.objectContaining({ provider: 'generic', channel: 'latest' })]);
  });

  it('uses only option names electron-builder knows', () => {
    expect(Object.keys(scheme.properties)).toContain('electronFuses');
    const known = Object.keys(scheme.definitions.FuseOptionsV1.properties);
    expect(Object.keys(config.electronFuses).filter((name) => !known.includes(name))).toEqual([]);
  });
});
