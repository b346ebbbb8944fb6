#!/usr/bin/env node
// Bundles the `kontor` command into one JavaScript file (out/cli/kontor.mjs), so it starts without
// a TypeScript compiler: esbuild, because it bundles a Node entry point in well under a second
// and is already what tsx and drizzle-kit run on. Packages stay external (native modules load from
// node_modules). Runs after `npm ci` (prepare) and in `npm run build`.
import { build } from 'esbuild';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
await build({
  entryPoints: [join(root, 'src', 'cli', 'main.ts')],
  outfile: join(root, 'out', 'cli', 'kontor.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
