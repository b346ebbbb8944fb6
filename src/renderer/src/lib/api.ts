// The renderer's only way to the main process: typed calls over window.kontor.
import type { Input, Output, ProcedureName } from '../../../shared/contract';
import type { EventName } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';

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

/** Calls a procedure; resolves with its value or rejects with an AppError carrying the code. */
export async function call<N extends ProcedureName>(name: N, input: Input<N>): Promise<Output<N>> {
  const result = await bridge().invoke(name, input);
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

export function onEvent(event: EventName, listener: (payload: unknown) => void): () => void {
  return bridge().on(event, listener);
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
