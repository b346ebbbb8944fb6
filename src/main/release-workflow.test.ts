// The release workflow (.github/workflows/release.yml) cannot run here: GitHub's own parser checks
// it against the workflow schema, and the order and secrecy rules are checked on its jobs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const file = join(import.meta.dirname, '..', '..', '.github', 'workflows', 'release.yml');
const content = readFileSync(file, 'utf8');

const stepSchema = z.object({ name: z.string().optional(), run: z.string().optional(), uses: z.string().optional() });
const workflow = z
  .object({
    jobs: z.record(
      z.string(),
      z.object({
        needs: z.union([z.string(), z.array(z.string())]).optional(),
        strategy: z.object({ matrix: z.object({ include: z.array(z.object({ os: z.string() })) }) }).optional(),
        steps: z.array(stepSchema),
      }),
    ),
  })
  .parse(load(content));

describe('the release workflow', () => {
  it('is a valid GitHub Actions workflow', () => {
    const result = parseWorkflow({ name: 'release.yml', content }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    expect(result.value).toBeDefined();
    // The parser does refuse a broken one (a misspelt key, an unknown trigger).
    const broken = content
      .replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest')
      .replace('workflow_dispatch:', 'workflow_dispach:');
    expect(
      parseWorkflow({ name: 'broken.yml', content: broken }, new NoOperationTraceWriter()).context.errors.count,
    ).toBeGreaterThanOrEqual(2);
  });

  it('tests, then builds on Windows, macOS and Linux, then publishes', () => {
    expect(workflow.jobs['build']?.needs).toBe('test');
    expect(workflow.jobs['publish']?.needs).toBe('build');
    expect(workflow.jobs['build']?.strategy?.matrix.include.map((m) => m.os)).toEqual([
      'windows-latest',
      'macos-latest',
      'ubuntu-latest',
    ]);
    expect(workflow.jobs['test']?.steps.some((s) => s.run === 'npm test')).toBe(true);
  });

  it('uploads the feed files after the installers, so a desk never sees a feed before its files', () => {
    const script = workflow.jobs['publish']?.steps.find((s) => s.name === 'Publish to the update server')?.run ?? '';
    const installers = script.indexOf('*.yml) ;; *) upload');
    const feeds = script.indexOf('for file in release/*.yml; do upload');
    expect(installers).toBeGreaterThan(0);
    expect(feeds).toBeGreaterThan(installers);
  });

  it('takes every credential from the repository’s secrets, never from the file', () => {
    const credentialKeys = /^\s*(\w*(PASSWORD|TOKEN|CSC_LINK|CERT_BASE64|SIGN_COMMAND|APPLE_ID|TEAM_ID)\w*):\s*(.+)$/gm;
    const values = [...content.matchAll(credentialKeys)].map((m) => [m[1], m[3]?.trim()]);
    expect(values.length).toBeGreaterThan(5);
    for (const [key, value] of values) expect(value, String(key)).toMatch(/^\$\{\{ secrets\.\w+ \}\}$/);
  });
});
