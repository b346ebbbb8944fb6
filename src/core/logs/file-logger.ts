// The desktop app's log: JSON lines in the platform's log folder (Electron's app.getPath('logs'):
// %APPDATA%\Kontor\logs, ~/Library/Logs/Kontor, ~/.config/Kontor/logs), rotated by size
// (kontor.log, kontor.1.log … kontor.4.log), written synchronously so the last line before a
// crash is on disk. No personal data or secrets: mail addresses are masked in every text, and the
// values of fields named like a secret or a person's data are dropped.
//
// Hand-written rather than pino with a rolling transport: pino's transports run in worker threads
// that locate their modules by path, which a bundled, asar-packed Electron main process does not
// offer; the desktop writes a few lines an hour, so a synchronous append costs nothing.
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../deps';
import type { Logger } from '../router';

/** Masks mail addresses (the same rule as the console log's). */
export function redactAddresses(text: string): string {
  return text.replace(/[^\s@<>"'(),;:]+@[^\s@<>"'(),;:]+\.[a-z]{2,}/gi, '[address]');
}

/** Field names whose values never reach a log. */
const SECRET_FIELD =
  /pass(word|phrase)?|secret|token|key|cookie|authorization|content|backup|email|name|phone|iban|notes/i;

/** A field's value as it may be logged. */
function clean(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactAddresses(value.length > 2000 ? `${value.slice(0, 2000)}…` : value);
  if (value === null || typeof value !== 'object' || depth > 3) return value;
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => clean(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_FIELD.test(k) ? '[redacted]' : clean(v, depth + 1)]),
  );
}

export interface LogEntry {
  readonly time: string;
  readonly level: 'error' | 'warn';
  readonly message: string;
  readonly [field: string]: unknown;
}

export interface FileLogger extends Logger {
  /** The log files, newest first. */
  files(): string[];
  /** The last errors and warnings of this run, newest last (for the support bundle). */
  recent(): readonly LogEntry[];
}

export interface FileLoggerOptions {
  readonly dir: string;
  readonly clock: Clock;
  /** A file is rotated once it is larger (default 5 MiB). */
  readonly maxBytes?: number;
  /** Files kept, the current one included (default 5). */
  readonly keep?: number;
  /** Also written here (the console in development). */
  readonly also?: Logger;
}

const RECENT = 50;

export function createFileLogger({
  dir,
  clock,
  maxBytes = 5 * 1024 * 1024,
  keep = 5,
  also,
}: FileLoggerOptions): FileLogger {
  mkdirSync(dir, { recursive: true });
  const file = (n: number) => join(dir, n === 0 ? 'kontor.log' : `kontor.${n}.log`);
  const recent: LogEntry[] = [];

  function rotate(): void {
    rmSync(file(keep - 1), { force: true });
    for (let n = keep - 2; n >= 0; n--) if (existsSync(file(n))) renameSync(file(n), file(n + 1));
  }

  function write(level: LogEntry['level'], message: string, fields?: Record<string, unknown>): void {
    const entry: LogEntry = {
      time: clock.now().toISOString(),
      level,
      message: redactAddresses(message),
      ...(fields && (clean(fields) as Record<string, unknown>)),
    };
    recent.push(entry);
    if (recent.length > RECENT) recent.shift();
    try {
      if (existsSync(file(0)) && statSync(file(0)).size >= maxBytes) rotate();
      appendFileSync(file(0), `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    } catch {
      // A full or read-only disk must not take the app down with it; the console still has it.
    }
    also?.[level](message, fields);
  }

  return {
    error: (message, fields) => write('error', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    files: () => Array.from({ length: keep }, (_, n) => file(n)).filter((f) => existsSync(f)),
    recent: () => [...recent],
  };
}
