// The transport-free heart of the IPC contract: one call in, one Result envelope out.
// Electron's ipcMain, the web host and the CLI all end up here, so validation, sessions and
// permissions run the same way everywhere and unknown names never reach a handler.
import type { z } from 'zod';
import { AppError, type Result, validationError } from '../shared/errors';
import {
  contract,
  isProcedureName,
  type Contract,
  type Output,
  type ParsedInput,
  type ProcedureName,
} from '../shared/contract';
import type { ProgressEvent } from '../shared/contract/bridge';
import type { CallMeta, Session, SessionResolver } from './session';

export interface CallContext<S extends Session | null = Session> {
  readonly session: S;
  /** The caller's connection (window, web host cookie, CLI process); sign-in binds a session to it. */
  readonly connection: string;
  readonly signal: AbortSignal;
  progress(event: Omit<ProgressEvent, 'operation'>): void;
}

/** Handler outputs are checked against the contract at runtime; the type asks for the schema's input side. */
type HandlerOutput<N extends ProcedureName> = z.input<Contract[N]['output']>;
type ContextOf<N extends ProcedureName> = Contract[N]['permission'] extends 'anonymous'
  ? CallContext<Session | null>
  : CallContext;

export type Handlers = {
  [N in ProcedureName]: (input: ParsedInput<N>, ctx: ContextOf<N>) => Promise<HandlerOutput<N>>;
};

/** The handlers of one area: every procedure whose name starts with one of `Prefix` (`'users' | 'roles'`). */
export type HandlersOf<Prefix extends string> = Pick<Handlers, Extract<ProcedureName, `${Prefix}.${string}`>>;

export interface Logger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface CallOptions {
  readonly meta?: CallMeta;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: ProgressEvent) => void;
}

export interface Router {
  call(name: string, input: unknown, options?: CallOptions): Promise<Result<unknown>>;
  /** Typed convenience for in-process callers (CLI, tests, bench). */
  invoke<N extends ProcedureName>(name: N, input: unknown, options?: CallOptions): Promise<Result<Output<N>>>;
}

export interface RouterDeps {
  readonly handlers: Handlers;
  readonly sessions: SessionResolver;
  readonly logger: Logger;
  /** Told about every refusal, by the permission check or by a handler (the audit log records them). */
  readonly onForbidden?: (session: Session, name: ProcedureName, details?: Record<string, unknown>) => Promise<void>;
}

export const ANONYMOUS_CONNECTION = 'anonymous';

/**
 * Text that no store keeps as sent: NUL (Postgres refuses it) and a lone surrogate (written to a
 * file or a database as U+FFFD, so the stored value would differ from the one sent). Refused as
 * a field error instead, on every dialect alike (search text excepted: it is only matched). Runs
 * on the parsed input, whose size the contract bounds.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkText(value: unknown, name: string): void {
  const stack: { value: unknown; path: string }[] = [{ value, path: '' }];
  while (stack.length > 0) {
    const { value: next, path } = stack.pop() as { value: unknown; path: string };
    if (typeof next === 'string') {
      if (next.includes('\u0000') || LONE_SURROGATE.test(next)) {
        const message = 'Contains characters that cannot be stored (NUL or a broken Unicode character)';
        throw new AppError('validation', `invalid input for ${name}: ${path || 'input'}: ${message}`, {
          issues: [{ path, rule: 'text', message }],
        });
      }
    } else if (Array.isArray(next)) {
      next.forEach((item, i) => stack.push({ value: item, path: path ? `${path}.${i}` : String(i) }));
    } else if (next !== null && typeof next === 'object') {
      for (const [key, item] of Object.entries(next)) {
        // Search text is matched, never stored, and its folding drops what a store cannot hold.
        if (key === 'search') continue;
        stack.push({ value: item, path: path ? `${path}.${key}` : key });
      }
    }
  }
}

export function createRouter({ handlers, sessions, logger, onForbidden }: RouterDeps): Router {
  async function run(name: string, input: unknown, options: CallOptions): Promise<unknown> {
    if (!isProcedureName(name)) throw new AppError('not_found', `unknown procedure '${name}'`);
    const def: Contract[ProcedureName] = contract[name];

    // Who may call comes before what was sent: a refused caller learns nothing about the input rules.
    const meta = options.meta ?? {};
    const session = await sessions.resolve(meta, !('passive' in def && def.passive));
    if (def.permission !== 'anonymous') {
      if (session === null) throw new AppError('unauthenticated', 'not signed in');
      if (session.locked && !('whileLocked' in def && def.whileLocked)) {
        throw new AppError('locked', 'session locked: enter your password to continue', { reason: 'session_locked' });
      }
      const ready = 'beforeAccountReady' in def && def.beforeAccountReady;
      if (session.mustChangePassword && !ready) {
        throw new AppError('forbidden', 'password change required: set a new password first', {
          reason: 'password_change_required',
        });
      }
      if (session.mustEnrollTwoFactor && !ready) {
        throw new AppError('forbidden', 'two-factor authentication required: this company requires 2FA; enrol first', {
          reason: 'two_factor_required',
        });
      }
      if (def.permission !== 'authenticated' && !session.permissions.has(def.permission)) {
        await onForbidden?.(session, name);
        throw new AppError('forbidden', `forbidden: ${name} needs the permission ${def.permission}`, {
          reason: 'permission',
          permission: def.permission,
        });
      }
    }

    const parsed = def.input.safeParse(input ?? {}, { reportInput: true });
    if (!parsed.success) throw validationError(parsed.error, `input for ${name}`);
    checkText(parsed.data, name);

    const ctx: CallContext<Session | null> = {
      session,
      connection: meta.connection ?? ANONYMOUS_CONNECTION,
      signal: options.signal ?? new AbortController().signal,
      progress: (event) => options.onProgress?.({ operation: name, ...event }),
    };
    // The cast is the one place the name and the handler's parameter types meet; the mapped
    // Handlers type guarantees each handler matches its own procedure, and the checks above
    // guarantee a session wherever the handler's type promises one.
    const handler = handlers[name] as (input: unknown, ctx: CallContext<Session | null>) => Promise<unknown>;
    let value: unknown;
    try {
      value = await handler(parsed.data, ctx);
    } catch (error) {
      // A refusal decided by the handler (a user of another company, say) is recorded like one
      // decided by the permission check.
      if (session !== null && error instanceof AppError && error.code === 'forbidden') {
        await onForbidden?.(session, name, error.details);
      }
      throw error;
    }

    const checked = def.output.safeParse(value);
    if (!checked.success) {
      logger.error('procedure output violates its schema', { name, issues: checked.error.issues });
      throw new AppError('internal', `internal error: ${name} produced an invalid result`);
    }
    return checked.data;
  }

  async function call(name: string, input: unknown, options: CallOptions = {}): Promise<Result<unknown>> {
    try {
      return { ok: true, value: await run(name, input, options) };
    } catch (error) {
      if (error instanceof AppError) return { ok: false, error: error.toShape() };
      logger.error('procedure failed', { name, error: error instanceof Error ? error.stack : String(error) });
      return { ok: false, error: { code: 'internal', message: `internal error in ${name}` } };
    }
  }

  return {
    call,
    invoke: <N extends ProcedureName>(name: N, input: unknown, options?: CallOptions) =>
      call(name, input, options) as Promise<Result<Output<N>>>,
  };
}
