// A key backup opened from the file manager: found among the arguments, read, refused when it is
// too large or unreadable (the unlock screen then says so instead of importing).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyBackupOpenedSchema } from '../shared/contract/bridge';
import { keyBackupArgument, readKeyBackup } from './key-backup-file';

const dir = mkdtempSync(join(tmpdir(), 'kontor-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a key backup opened from the file manager', () => {
  it('is found among the arguments Windows and Linux start Kontor with', () => {
    expect(keyBackupArgument(['--inspect=0', 'C:\\Users\\ada\\Downloads\\kontor-keys-2026-12-07.kontorkeys'])).toBe(
      'C:\\Users\\ada\\Downloads\\kontor-keys-2026-12-07.kontorkeys',
    );
    expect(keyBackupArgument(['/home/ada/KEYS.KONTORKEYS'])).toBe('/home/ada/KEYS.KONTORKEYS');
    expect(keyBackupArgument(['.', '--flag', 'notes.json'])).toBeNull();
  });

  it('is read for the unlock screen, or refused with the reason', async () => {
    const file = join(dir, 'kontor-keys.kontorkeys');
    writeFileSync(file, '{"format":"kontor-key-backup"}');
    const opened = await readKeyBackup(file);
    expect(opened).toEqual({ name: 'kontor-keys.kontorkeys', content: '{"format":"kontor-key-backup"}' });
    expect(keyBackupOpenedSchema.safeParse(opened).success).toBe(true);
    const large = join(dir, 'large.kontorkeys');
    writeFileSync(large, Buffer.alloc(1_000_001, 32));
    expect(await readKeyBackup(large)).toEqual({ name: 'large.kontorkeys', problem: 'too_large' });
    expect(await readKeyBackup(join(dir, 'gone.kontorkeys'))).toEqual({
      name: 'gone.kontorkeys',
      problem: 'unreadable',
    });
  });
});
