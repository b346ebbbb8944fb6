#!/usr/bin/env node
// Builds Kontor's own native addon (native/aead: AES-256-GCM straight through OpenSSL) with the
// node-gyp that npm ships. Runs after `npm ci` and before tests and benchmarks; it is skipped when
// the addon is newer than its source. A failed build is a warning, not an error: Kontor then
// encrypts through node:crypto, which is correct but slower (see docs/events.md).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const dir = join(import.meta.dirname, '..', 'native', 'aead');
const addon = join(dir, 'build', 'Release', 'kontor_aead.node');
const source = join(dir, 'aead.c');
if (existsSync(addon) && statSync(addon).mtimeMs >= statSync(source).mtimeMs) process.exit(0);

// npm tells lifecycle scripts where its node-gyp is; outside npm, look beside npm itself.
const candidates = [
  process.env['npm_config_node_gyp'],
  join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
].filter((p) => p !== undefined && existsSync(p));
const gyp = candidates[0];
if (gyp === undefined) {
  console.warn('build-native: node-gyp not found; field encryption uses node:crypto (slower)');
  process.exit(0);
}
const args = [gyp, 'rebuild', '--directory', dir];
// Machines whose Node headers live in /usr (Debian's nodejs) say so in npm's config as nodedir.
if (process.env['npm_config_nodedir']) args.push(`--nodedir=${process.env['npm_config_nodedir']}`);
const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
if (result.status !== 0) {
  console.warn(String(result.stderr).split('\n').slice(-15).join('\n'));
  console.warn('build-native: the AES-GCM addon did not build; field encryption uses node:crypto (slower)');
}
