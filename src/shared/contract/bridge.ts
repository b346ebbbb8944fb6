// The one object the renderer sees: window.kontor. Implemented by the preload (Electron)
// and by the web host's bridge script (browser). Plain data only crosses it.
import type { Result } from '../errors';
import type { EventName } from './names';

export interface ProgressEvent {
  operation: string;
  /** The renderer's id for the call this progress belongs to (when it gave one). */
  callId?: string;
  done: number;
  total: number | null;
  message?: string;
}

export interface KontorBridge {
  /** `callId`, when given, tags the call's progress events and lets `cancel` stop it. */
  invoke(name: string, input: unknown, callId?: string): Promise<Result<unknown>>;
  /** Asks the main process to stop the call; it answers with a `cancelled` conflict and changes nothing. */
  cancel(callId: string): Promise<void>;
  /** Returns a function that removes the listener. */
  on(event: EventName, listener: (payload: unknown) => void): () => void;
}
