#!/usr/bin/env node
// Native modules are built for one ABI at a time: Node's (tests, CLI, web host, bench) or
// Electron's (npm start). This switches them when needed, so `npm test` works right after
// `npm ci` and after `npm start`, and `npm start` works after `npm test`.
//   node scripts/native-abi.mjs node       ensure better-sqlite3 loads in this Node
//   node scripts/native-abi.mjs electron   rebuild native deps for Electron (electron-builder install-app-deps)
// argon2 and keytar use N-API and load in both; better-sqlite3 does not.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const target = process.argv[2];
const stamp = join(process.cwd(), 'node_modules', '.kontor-native-abi');
const current = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : 'node';

function run(command, args) {
  console.error(`native-abi: ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' }).status === 0;
}

function loadsInNode() {
  const probe = "require('better-sqlite3')(':memory:').close()";
  return spawnSync(process.execPath, ['-e', probe], { stdio: 'ignore' }).status === 0;
}

if (target === 'node') {
  if (loadsInNode()) {
    if (current !== 'node') writeFileSync(stamp, 'node');
    process.exit(0);
  }
  console.error('native-abi: better-sqlite3 is built for another ABI (Electron?); rebuilding it for Node…');
  if (!run('npm', ['rebuild', 'better-sqlite3']) || !loadsInNode()) {
    console.error('native-abi: rebuilding better-sqlite3 for Node failed; see the output above.');
    process.exit(1);
  }
  writeFileSync(stamp, 'node');
} else if (target === 'electron') {
  if (current === 'electron') process.exit(0);
  if (!run('npx', ['electron-builder', 'install-app-deps'])) {
    console.error(
      'native-abi: could not rebuild the native modules for Electron (this needs the Electron headers ' +
        'from the network). The web host (`npm run web`) runs without Electron.',
    );
    process.exit(1);
  }
  writeFileSync(stamp, 'electron');
} else {
  console.error('usage: node scripts/native-abi.mjs node|electron');
  process.exit(2);
}
