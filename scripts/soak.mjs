#!/usr/bin/env node
// `npm run soak`: the long run of the crash and fuzz tests — many more seeded kills and generated
// inputs than `npm test` runs, with a new seed each time (printed, so a failure can be repeated:
// KONTOR_CRASH_SEED=… KONTOR_FUZZ_SEED=… npm run soak). KONTOR_CRASH_KILLS and KONTOR_FUZZ_RUNS
// override the amounts.
import { spawnSync } from 'node:child_process';

const seed = String(Math.floor(Math.random() * 2 ** 31));
const env = {
  ...process.env,
  KONTOR_CRASH_KILLS: process.env.KONTOR_CRASH_KILLS ?? '1000',
  KONTOR_CRASH_SEED: process.env.KONTOR_CRASH_SEED ?? seed,
  KONTOR_FUZZ_RUNS: process.env.KONTOR_FUZZ_RUNS ?? '10000',
  KONTOR_FUZZ_SEED: process.env.KONTOR_FUZZ_SEED ?? seed,
};
console.error(
  `soak: ${env.KONTOR_CRASH_KILLS} kills (seed ${env.KONTOR_CRASH_SEED}), ${env.KONTOR_FUZZ_RUNS} inputs per procedure (seed ${env.KONTOR_FUZZ_SEED})`,
);
const run = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', 'src/core/crash', 'src/core/fuzz', '--reporter=verbose'],
  { env, stdio: 'inherit' },
);
process.exit(run.status ?? 1);
