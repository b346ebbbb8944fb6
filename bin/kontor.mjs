#!/usr/bin/env node
// The `kontor` admin command: runs the bundled build (scripts/build-cli.mjs, made by `npm ci` and
// `npm run build`), so no TypeScript compiler runs at start.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const bundle = new URL('../out/cli/kontor.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('kontor: the command is not built yet; run `npm run build:cli` (npm ci does it too)\n');
  process.exit(2);
}
await import(bundle.href);
