// Writes out/licenses.json at build time: every package the app ships (the production
// dependencies in package-lock.json, not the development ones) with its version, its licence and
// the licence text it carries, for the About dialog (app.licences). Texts are kept once each
// (hundreds of @stdlib packages carry the same Apache licence). Run by `npm run build`.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const TEXT_LIMIT = 20_000;

/** The licence text a package carries (LICENSE, LICENCE, COPYING, in any spelling), if any. */
function licenceText(dir) {
  if (!existsSync(dir)) return null;
  const file = readdirSync(dir).find((name) => /^(licen[cs]e|copying)(\.|-|$)/i.test(name));
  if (!file) return null;
  const text = readFileSync(join(dir, file), 'utf8');
  return text.length > TEXT_LIMIT ? `${text.slice(0, TEXT_LIMIT)}\n…` : text;
}

/** The shipped packages of a project root, sorted by name, and their licence texts by id. */
export function collectLicences(root) {
  const texts = {};
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const seen = new Map();
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (path === '' || entry.dev || entry.link) continue;
    const name = entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const key = `${name}@${entry.version}`;
    if (seen.has(key)) continue;
    const dir = join(root, path);
    let license = entry.license ?? null;
    if (license === null && existsSync(join(dir, 'package.json'))) {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      license = manifest.license ?? manifest.licenses?.map?.((l) => l.type ?? l).join(' OR ') ?? null;
    }
    const text = licenceText(dir);
    const textId = text === null ? null : createHash('sha256').update(text).digest('hex').slice(0, 16);
    if (textId !== null) texts[textId] = text;
    seen.set(key, { name, version: entry.version, license, textId });
  }
  const packages = [...seen.values()].sort(
    (a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version),
  );
  return { packages, texts };
}

if (process.argv[1]?.endsWith('licenses.mjs')) {
  const root = join(import.meta.dirname, '..');
  const licences = collectLicences(root);
  mkdirSync(join(root, 'out'), { recursive: true });
  writeFileSync(join(root, 'out', 'licenses.json'), JSON.stringify(licences));
  console.log(
    `wrote out/licenses.json (${licences.packages.length} packages, ${Object.keys(licences.texts).length} texts)`,
  );
}
