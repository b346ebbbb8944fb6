#!/usr/bin/env node
// `npm run test:security`: Electronegativity (Doyensec's checks for Electron misconfigurations)
// over the sources (src) and the built app (out, after `npm run build`). Each finding must have a
// written reason in resources/security/electronegativity-reasons.json, or this fails. The check of
// Electron releases for security fixes needs the internet and is left out; the Electron version
// comes from package.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const bin = require.resolve('@doyensec/electronegativity/dist/index.js');
const electron = JSON.parse(readFileSync('node_modules/electron/package.json', 'utf8')).version;
const { reasons } = JSON.parse(readFileSync('resources/security/electronegativity-reasons.json', 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'kontor-electronegativity-'));

const targets = ['src', 'out'].filter((dir) => {
  if (existsSync(dir)) return true;
  console.error(`electronegativity: ${dir}/ is not there (build first: npm run build); skipped`);
  return false;
});
if (!targets.includes('out') && process.env.CI) throw new Error('out/ is missing: run npm run build first');

let unexplained = 0;
const used = new Set();
try {
  for (const dir of targets) {
    // SARIF (JSON): its CSV does not escape quotes in the code samples it quotes.
    const sarif = join(work, `${dir}.sarif`);
    const run = spawnSync(
      process.execPath,
      [bin, '-i', dir, '-e', electron, '-x', 'AvailableSecurityFixesGlobalCheck', '-r', '-o', sarif],
      { encoding: 'utf8' },
    );
    if (!existsSync(sarif)) throw new Error(`electronegativity did not run on ${dir}: ${run.stderr || run.stdout}`);
    const findings = JSON.parse(readFileSync(sarif, 'utf8')).runs.flatMap((r) =>
      r.results.map((result) => {
        const location = result.locations?.[0]?.physicalLocation;
        return {
          issue: result.ruleId,
          severity: result.level,
          filename: location?.artifactLocation?.uri ?? '',
          location: location?.region?.startLine ?? 0,
          description: result.message?.text ?? '',
          url: `https://github.com/doyensec/electronegativity/wiki/${result.ruleId}`,
        };
      }),
    );
    console.log(`electronegativity on ${dir}/ (Electron ${electron}): ${findings.length} findings`);
    for (const finding of findings) {
      const known = reasons.find((r) => r.issue === finding.issue && new RegExp(r.file).test(finding.filename));
      const where = `${finding.issue} (${finding.severity}) in ${dir}/${finding.filename}:${finding.location}`;
      if (known) {
        used.add(known);
        console.log(`  ${where}: kept — ${known.reason}`);
      } else {
        unexplained += 1;
        console.log(`  ${where}: NO REASON — ${finding.description} (${finding.url})`);
      }
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
for (const reason of reasons) {
  if (!used.has(reason)) console.log(`  (no finding for the kept reason ${reason.issue} ${reason.file}: remove it)`);
}
if (unexplained > 0) {
  console.error(`electronegativity: ${unexplained} finding(s) without a written reason`);
  process.exit(1);
}
