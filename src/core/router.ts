// The transport-free heart of the IPC contract: one call in, one Result envelope out.
// Electron's ipcMain, the web host and the CLI all end up here, so validation and
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

export interface CallContext {
  readonly session: Session;
  readonly signal: AbortSignal;
  progress(event: Omit<ProgressEvent, 'operation'>): void;
}

/** Handler outputs are checked against the contract at runtime; the type asks for the schema's input side. */
type HandlerOutput<N extends ProcedureName> = z.input<Contract[N]['output']>;

export type Handlers = {
  [N in ProcedureName]: (input: ParsedInput<N>, ctx: CallContext) => Promise<HandlerOutput<N>>;
};

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
}

export function createRouter({ handlers, sessions, logger }: RouterDeps): Router {
  async function run(name: string, input: unknown, options: CallOptions): Promise<unknown> {
    if (!isProcedureName(name)) throw new AppError('not_found', `unknown procedure '${name}'`);
    const def = contract[name];

    const parsed = def.input.safeParse(input ?? {}, { reportInput: true });
    if (!parsed.success) throw validationError(parsed.error, `input for ${name}`);

    const session = await sessions.resolve(options.meta ?? {});
    if (session === null) throw new AppError('unauthenticated', 'not signed in');
    if (def.permission !== 'public' && !session.permissions.has(def.permission)) {
      throw new AppError('forbidden', `forbidden: ${name} needs the permission ${def.permission}`);
    }

    const ctx: CallContext = {
      session,
      signal: options.signal ?? new AbortController().signal,
      progress: (event) => options.onProgress?.({ operation: name, ...event }),
    };
    // The cast is the one place the name and the handler's parameter types meet; the mapped
    // Handlers type guarantees each handler matches its own procedure.
    const handler = handlers[name] as (input: unknown, ctx: CallContext) => Promise<unknown>;
    const value = await handler(parsed.data, ctx);

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
