#!/usr/bin/env node
// Bundles the `kontor` command into one JavaScript file (out/cli/kontor.mjs), so it starts without
// a TypeScript compiler: esbuild, because it bundles a Node entry point in well under a second
// and is already what tsx and drizzle-kit run on. Packages stay external (native modules load from
// node_modules). Beside it, the analytics worker (out/cli/analysis.worker.mjs), which the command
// starts from the directory it runs in (core/analytics/analysis-runner.ts), and the Kontor server
// (out/cli/kontor-server.mjs), which starts it too. Runs after `npm ci`
// (prepare) and in `npm run build`.
import { build } from 'esbuild';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const entries = [
  { from: join(root, 'src', 'cli', 'main.ts'), to: 'kontor.mjs' },
  { from: join(root, 'src', 'core', 'analytics', 'analysis.worker.ts'), to: 'analysis.worker.mjs' },
  // The Kontor server (`node out/cli/kontor-server.mjs`; the container and the systemd unit run it).
  { from: join(root, 'src', 'server', 'main.ts'), to: 'kontor-server.mjs' },
];
for (const { from, to } of entries) {
  await build({
    entryPoints: [from],
    outfile: join(root, 'out', 'cli', to),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}
