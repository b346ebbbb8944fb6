#!/usr/bin/env node
// `kontor-server`: the Kontor server, or with a command its admin commands (src/server/main.ts),
// from the bundled build (scripts/build-cli.mjs, made by `npm ci` and `npm run build`).
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const bundle = new URL('../out/cli/kontor-server.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('kontor-server: not built yet; run `npm run build:cli` (npm ci does it too)\n');
  process.exit(2);
}
const { main } = await import(bundle.href);
await main();
