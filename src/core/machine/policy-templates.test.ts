import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { machineKeys, POLICY_TEXT } from '../../shared/machine-config';
import { policyValueName } from './machine-config';
import { EXAMPLE_CONFIG, policyFiles } from './policy-templates';

const root = join(import.meta.dirname, '..', '..', '..', 'resources', 'policy');
const files = policyFiles();
const ids = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((m) => m[1]);

describe('the IT templates made from the machine configuration schema', () => {
  it.each(Object.keys(files))('resources/policy/%s is what npm run policy makes from the schema', (path) => {
    expect(readFileSync(join(root, path), 'utf8'), `run npm run policy and commit resources/policy/${path}`).toBe(
      files[path],
    );
  });

  it('the JSON Schema accepts the example and refuses what the app refuses', () => {
    const validate = new Ajv2020({ allErrors: true }).compile(JSON.parse(files['kontor-config.schema.json'] ?? '{}'));
    expect(
      validate({ $schema: './kontor-config.schema.json', ...EXAMPLE_CONFIG, serverFingerprint: 'ab'.repeat(32) }),
    ).toBe(true);
    for (const bad of [
      { updateUrl: 'http://updates.example.com' },
      { updateChannel: 'nightly' },
      { disabledFeatures: ['printing'] },
      { proxy: 'proxy:3128' },
      { unknown: true },
    ]) {
      expect(validate(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('offers every setting as a machine policy, with English and German text and a presentation for each value', () => {
    const admx = files['windows/kontor.admx'] ?? '';
    const names = machineKeys.map(policyValueName);
    expect(ids(admx, /<policy name="(\w+)"/g)).toEqual(names);
    for (const language of ['en-US', 'de-DE']) {
      const adml = files[`windows/${language}/kontor.adml`] ?? '';
      const strings = new Set(ids(adml, /<string id="(\w+)"/g));
      for (const id of ids(admx, /\$\(string\.(\w+)\)/g)) expect(strings, `${language} ${id}`).toContain(id);
      const presentations = new Set(ids(adml, /<presentation id="(\w+)"/g));
      for (const id of ids(admx, /\$\(presentation\.(\w+)\)/g))
        expect(presentations, `${language} ${id}`).toContain(id);
    }
    expect(files['windows/de-DE/kontor.adml']).toContain(POLICY_TEXT.updatesEnabled.de.title);
    // A text policy never pretends to be a list, a list writes to its own key.
    expect(admx).toContain(
      '<list id="DisabledFeatures" key="SOFTWARE\\Policies\\Kontor\\DisabledFeatures" valuePrefix="" />',
    );
  });

  it('the macOS profile example sets only keys Kontor reads, in its own domain', () => {
    const profile = files['macos/kontor.mobileconfig'] ?? '';
    const keys = ids(profile.slice(profile.indexOf('mcx_preference_settings')), /<key>(\w+)<\/key>/g).slice(1);
    expect(keys.length).toBeGreaterThan(5);
    for (const key of keys) expect(machineKeys).toContain(key);
    expect(profile).toContain('<key>de.kontor.desktop</key>');
  });
});
