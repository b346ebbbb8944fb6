// The renderer's only way to the main process: typed calls over window.kontor.
import { contract, type Input, type Output, type ProcedureName } from '../../../shared/contract';
import type { EventName } from '../../../shared/contract';
import type { ChosenFile, FileRequest, ProgressEvent } from '../../../shared/contract/bridge';
import { AppError, validationError, type Result } from '../../../shared/errors';

function bridge() {
  if (!window.kontor)
    throw new AppError('internal', 'window.kontor is missing: Kontor must run in its app or web host');
  return window.kontor;
}

const sessionListeners = new Set<() => void>();

/** Called when a call finds the session locked or gone: the app then shows the lock or sign-in screen. */
export function onSessionChange(listener: () => void): () => void {
  sessionListeners.add(listener);
  return () => sessionListeners.delete(listener);
}

/**
 * The router's own input check, run here before sending: a form shows the very field errors the
 * main process would return, and nothing is sent. The main process checks again (it is the authority).
 */
export function checkInput<N extends ProcedureName>(name: N, input: Input<N>): void {
  const parsed = contract[name].input.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error, name);
}

/** Calls a procedure; resolves with its value or rejects with an AppError carrying the code. */
export async function call<N extends ProcedureName>(name: N, input: Input<N>): Promise<Output<N>> {
  checkInput(name, input);
  return unwrap(name, await bridge().invoke(name, input));
}

const reachabilityListeners = new Set<(reachable: boolean) => void>();
let reachable = true;

/** Told when the Kontor server (server mode) stops or starts answering; a local desk is always reachable. */
export function onReachability(listener: (reachable: boolean) => void): () => void {
  reachabilityListeners.add(listener);
  return () => reachabilityListeners.delete(listener);
}

const UNREACHABLE = new Set(['server_unreachable', 'server_timeout', 'server_fingerprint', 'server_refused']);

function noteReachability(result: Result<unknown>): void {
  const next = result.ok || !UNREACHABLE.has(String(result.error.details?.['reason']));
  if (next === reachable) return;
  reachable = next;
  for (const listener of reachabilityListeners) listener(next);
}

function unwrap<N extends ProcedureName>(name: N, result: Result<unknown>): Output<N> {
  noteReachability(result);
  if (!result.ok) {
    const { code, details } = result.error;
    const sessionProblem =
      (code === 'locked' && details?.['reason'] === 'session_locked') ||
      (code === 'unauthenticated' && !name.startsWith('auth.')) ||
      (code === 'forbidden' &&
        (details?.['reason'] === 'password_change_required' || details?.['reason'] === 'two_factor_required'));
    if (sessionProblem) for (const listener of sessionListeners) listener();
    throw AppError.fromShape(result.error);
  }
  return result.value as Output<N>;
}

let calls = 0;

export interface LongCallOptions {
  readonly onProgress?: (progress: ProgressEvent) => void;
  /** Aborting asks the main process to stop; the call then rejects with a `cancelled` conflict. */
  readonly signal?: AbortSignal;
}

/** A call that reports progress and can be cancelled (replay, export, key rotation). */
export async function callLong<N extends ProcedureName>(
  name: N,
  input: Input<N>,
  { onProgress, signal }: LongCallOptions = {},
): Promise<Output<N>> {
  checkInput(name, input);
  const callId = `c${Date.now().toString(36)}${(calls += 1)}`;
  const stop = onProgress
    ? onEvent('progress', (payload) => {
        const event = payload as ProgressEvent;
        if (event.callId === callId) onProgress(event);
      })
    : () => undefined;
  const cancel = () => void bridge().cancel(callId);
  signal?.addEventListener('abort', cancel);
  try {
    return unwrap(name, await bridge().invoke(name, input, callId));
  } finally {
    signal?.removeEventListener('abort', cancel);
    stop();
  }
}

export function onEvent(event: EventName, listener: (payload: unknown) => void): () => void {
  return bridge().on(event, listener);
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/**
 * Asks the user for a file to open or a place to save (see KontorBridge.chooseFile); null when
 * cancelled; rejects with the AppError that kept the file from being handed over.
 */
export async function chooseFile(request: FileRequest): Promise<ChosenFile | null> {
  const choice = await bridge().chooseFile(request);
  if (choice !== null && 'failed' in choice) throw AppError.fromShape(choice.failed);
  return choice;
}

/** Hands a save file a procedure wrote to the user (a download in the browser; in place on the desktop). */
export function deliverFile(fileId: string): Promise<void> {
  return bridge().deliverFile(fileId);
}
