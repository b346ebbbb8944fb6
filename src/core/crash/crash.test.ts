// Seeded kills of the CLI in the middle of imports, replays, key rotations, erasures and backups
// (src/core/crash/crash-harness.ts): KONTOR_CRASH_KILLS of them (100 by default; `npm run soak`
// runs more), each followed by the checks of what a crash may never leave behind.
import { describe, expect, it } from 'vitest';
import { runCrashHarness } from './crash-harness';

const KILLS = Number(process.env['KONTOR_CRASH_KILLS'] ?? 100);
const SEED = Number(process.env['KONTOR_CRASH_SEED'] ?? 14);

describe('crash safety', () => {
  it(
    `survives ${KILLS} seeded kills (seed ${SEED}) with nothing lost, nothing half-applied`,
    { timeout: 3_600_000 },
    async () => {
      const report = await runCrashHarness({ kills: KILLS, seed: SEED, log: (line) => console.info(line) });
      console.info(`kills survived: ${JSON.stringify(report)}`);
      expect(report.kills).toBe(KILLS);
      // Every operation was killed at least once, and some kills came after the report of success.
      for (const [operation, counts] of Object.entries(report.byOperation))
        expect(counts.kills, operation).toBeGreaterThan(0);
    },
  );
});
