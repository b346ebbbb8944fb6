import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileLogger } from './file-logger';

const dir = mkdtempSync(join(tmpdir(), 'kontor-logs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const clock = { now: () => new Date('2026-12-07T10:00:00.000Z') };

describe('the desktop log file', () => {
  it('writes JSON lines without mail addresses, secrets or personal fields', () => {
    const logger = createFileLogger({ dir: join(dir, 'a'), clock });
    logger.warn('mail to eva.muster@firma.example failed', {
      reason: 'ECONNREFUSED',
      password: 'hunter2',
      smtp: { user: 'x', passphrase: 'p', host: 'mail.example' },
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      detail: 'rejected <ada@example.com>',
    });
    const [line] = readFileSync(join(dir, 'a', 'kontor.log'), 'utf8')
      .trim()
      .split('\n');
    const entry = JSON.parse(line ?? '{}') as Record<string, unknown>;
    expect(entry).toEqual({
      time: '2026-12-07T10:00:00.000Z',
      level: 'warn',
      message: 'mail to [address] failed',
      reason: 'ECONNREFUSED',
      password: '[redacted]',
      smtp: { user: 'x', passphrase: '[redacted]', host: 'mail.example' },
      email: '[redacted]',
      name: '[redacted]',
      detail: 'rejected <[address]>',
    });
    expect(line).not.toMatch(/hunter2|Lovelace|ada@|eva\.muster/);
  });

  it('rotates by size, keeps a fixed number of files, and remembers the last errors of the run', () => {
    const logger = createFileLogger({ dir: join(dir, 'b'), clock, maxBytes: 1_000, keep: 3 });
    for (let i = 0; i < 100; i++) logger.error(`failure ${i}`, { step: i });
    expect(readdirSync(join(dir, 'b')).sort()).toEqual(['kontor.1.log', 'kontor.2.log', 'kontor.log']);
    expect(logger.files().map((f) => basename(f))).toEqual(['kontor.log', 'kontor.1.log', 'kontor.2.log']);
    const newest = readFileSync(join(dir, 'b', 'kontor.log'), 'utf8');
    expect(newest).toContain('failure 99');
    expect(logger.recent()).toHaveLength(50);
    expect(logger.recent().at(-1)).toMatchObject({ level: 'error', message: 'failure 99', step: 99 });
  });
});
