// Entry point of the `kontor` command (see bin/kontor.mjs).
import { readFileSync } from 'node:fs';
import { runCli } from './cli';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

process.exitCode = await runCli({
  argv: process.argv.slice(2),
  env: process.env,
  io: { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) },
  version: pkg.version,
});
