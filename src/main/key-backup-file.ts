// A key backup opened from the file manager (the .kontorkeys file association): Windows and Linux
// start Kontor with the file's path among the arguments (or hand it to the running instance),
// macOS sends open-file. The file is read here, size-checked, and handed to the unlock screen,
// which fills its import form with it; nothing is imported without the user's passphrase.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { KeyBackupOpened } from '../shared/contract/bridge';

export const KEY_BACKUP_EXTENSION = '.kontorkeys';
/** The import refuses more (app.importKeys's input limit). */
const MAX_BYTES = 1_000_000;

/** The key backup among a command line's arguments, if there is one. */
export function keyBackupArgument(argv: readonly string[]): string | null {
  return argv.find((arg) => !arg.startsWith('-') && arg.toLowerCase().endsWith(KEY_BACKUP_EXTENSION)) ?? null;
}

/** The file as the unlock screen takes it, or why it cannot. */
export async function readKeyBackup(path: string): Promise<KeyBackupOpened> {
  const name = basename(path);
  try {
    if ((await stat(path)).size > MAX_BYTES) return { name, problem: 'too_large' };
    return { name, content: await readFile(path, 'utf8') };
  } catch {
    return { name, problem: 'unreadable' };
  }
}
