// A random id of this installation, made once and kept in its data directory: its place in staged
// rollouts (decide.ts). It says nothing about the user or the machine.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function installationId(dataDir: string): string {
  const file = join(dataDir, 'installation-id');
  try {
    const known = readFileSync(file, 'utf8').trim();
    if (UUID.test(known)) return known;
  } catch {
    // Not made yet.
  }
  mkdirSync(dataDir, { recursive: true });
  const made = randomUUID();
  try {
    // `wx`: a second process starting at the same moment keeps the first one's id.
    writeFileSync(file, `${made}\n`, { flag: 'wx', mode: 0o600 });
    return made;
  } catch {
    const known = readFileSync(file, 'utf8').trim();
    if (UUID.test(known)) return known;
    writeFileSync(file, `${made}\n`, { mode: 0o600 });
    return made;
  }
}
