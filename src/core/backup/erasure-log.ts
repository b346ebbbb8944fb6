// The erasure log: which people were erased, kept outside every company's data. A backup made
// before an erasure still holds the erased person's data (and the key that opens it); restoring
// it erases them again from this log. It names a company and a subject (`customer:<id>`,
// `contact:<id>`): random ids, nothing that identifies a person by itself.
//
// Two copies: `erasures.jsonl` in the data directory, and `kontor-erasures.jsonl` beside the
// backups (written at each backup), so a new machine that restores from the backup folder finds
// the erasures made after the backup it restores. Each backup holds the log of its time too.
import {
  closeSync,
  mkdirSync,
  existsSync,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const ERASURE_LOG_FILE = 'erasures.jsonl';
export const FOLDER_ERASURE_LOG_FILE = 'kontor-erasures.jsonl';

export const erasureSchema = z.object({
  tenantId: z.string().min(1).max(100),
  subject: z.string().regex(/^(customer|contact):[0-9A-Za-z-]{1,100}$/),
  at: z.string().max(40),
});
export type Erasure = z.infer<typeof erasureSchema>;

export interface ErasureLog {
  record(erasure: Erasure): void;
  list(): Erasure[];
}

/** The lines of a log file that are erasures; a damaged line (a crash mid-append) is skipped. */
export function readErasures(file: string): Erasure[] {
  if (!existsSync(file)) return [];
  const found: Erasure[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed = erasureSchema.safeParse(JSON.parse(line));
      if (parsed.success) found.push(parsed.data);
    } catch {
      // A half-written last line.
    }
  }
  return found;
}

/** Every erasure of the given lists once, oldest first. */
export function mergeErasures(...lists: readonly (readonly Erasure[])[]): Erasure[] {
  const seen = new Map<string, Erasure>();
  for (const erasure of lists.flat()) {
    const key = `${erasure.tenantId}\n${erasure.subject}`;
    const known = seen.get(key);
    if (!known || erasure.at < known.at) seen.set(key, erasure);
  }
  return [...seen.values()].sort((a, b) => a.at.localeCompare(b.at));
}

/** Replaces a log file with the given erasures (via a temporary file and a rename). */
export function writeErasures(file: string, erasures: readonly Erasure[]): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, erasures.map((e) => `${JSON.stringify(e)}\n`).join(''), { mode: 0o600 });
  renameSync(tmp, file);
}

/** Appends one erasure to a log file, on the disk before it returns. */
function append(file: string, erasure: Erasure): void {
  // One short line per append, on the disk before the erasure is reported: at a crash it is
  // there whole or cut off (and then skipped by readErasures).
  const fd = openSync(file, 'a+', 0o600);
  try {
    const size = fstatSync(fd).size;
    const last = Buffer.alloc(1);
    const cutOff = size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
    writeSync(fd, `${cutOff ? '\n' : ''}${JSON.stringify(erasureSchema.parse(erasure))}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The log in the data directory, copied to the backup folder as each erasure is made. The folder
 * may be a share that is offline: then the next backup brings its copy up to date.
 */
export function fileErasureLog(
  dataDir: string,
  backupFolder: () => string,
  onFolderError: (error: unknown) => void,
): ErasureLog {
  const file = join(dataDir, ERASURE_LOG_FILE);
  return {
    record(erasure) {
      append(file, erasure);
      try {
        const folder = backupFolder();
        mkdirSync(folder, { recursive: true, mode: 0o700 });
        append(join(folder, FOLDER_ERASURE_LOG_FILE), erasure);
      } catch (error) {
        onFolderError(error);
      }
    },
    list: () => readErasures(file),
  };
}
