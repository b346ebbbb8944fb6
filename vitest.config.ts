import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The long files first (the crash harness, the fuzzing of every procedure): on a fresh checkout
 * there are no timings to sort by, and started last they would run alone on one worker.
 */
const LONG = /[/\\](crash|fuzz)[/\\]|\.fuzz\.test\.ts$/;
class LongFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return [...sorted.filter((f) => LONG.test(f.moduleId)), ...sorted.filter((f) => !LONG.test(f.moduleId))];
  }
}

export default defineConfig({
  test: {
    // Renderer component tests (*.test.tsx) say `@vitest-environment happy-dom` at their top.
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Native modules (better-sqlite3, argon2) and PGlite are happier in forked processes.
    pool: 'forks',
    sequence: { sequencer: LongFirst },
    // GitHub's workflow parser imports its schema as JSON without an import attribute, which Node
    // refuses; bundled by vite, it loads (src/main/release-workflow.test.ts).
    server: { deps: { inline: ['@actions/workflow-parser', '@actions/expressions'] } },
  },
});
