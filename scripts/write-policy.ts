// `npm run policy`: writes the JSON Schema, Group Policy template and macOS profile example made
// from the machine configuration's schema into resources/policy (see policy-templates.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { policyFiles } from '../src/core/machine/policy-templates';

const root = join(import.meta.dirname, '..', 'resources', 'policy');
for (const [path, text] of Object.entries(policyFiles())) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
  console.log(`wrote resources/policy/${path}`);
}
