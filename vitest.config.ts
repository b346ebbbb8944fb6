import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Renderer component tests (*.test.tsx) say `@vitest-environment happy-dom` at their top.
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Native modules (better-sqlite3, argon2) and PGlite are happier in forked processes.
    pool: 'forks',
    // GitHub's workflow parser imports its schema as JSON without an import attribute, which Node
    // refuses; bundled by vite, it loads (src/main/release-workflow.test.ts).
    server: { deps: { inline: ['@actions/workflow-parser', '@actions/expressions'] } },
  },
});
