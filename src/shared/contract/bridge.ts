// The one object the renderer sees: window.kontor. Implemented by the preload (Electron)
// and by the web host's bridge script (browser). Plain data only crosses it.
import type { Result } from '../errors';
import type { EventName } from './names';

export interface ProgressEvent {
  operation: string;
  done: number;
  total: number | null;
  message?: string;
}

export interface KontorBridge {
  invoke(name: string, input: unknown): Promise<Result<unknown>>;
  /** Returns a function that removes the listener. */
  on(event: EventName, listener: (payload: unknown) => void): () => void;
}
