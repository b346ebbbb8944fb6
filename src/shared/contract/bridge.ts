// The one object the renderer sees: window.kontor. Implemented by the preload (Electron)
// and by the web host's bridge script (browser). Plain data only crosses it.
import { z } from 'zod';
import type { AppErrorShape, Result } from '../errors';
import type { EventName } from './names';

export interface ProgressEvent {
  operation: string;
  /** The renderer's id for the call this progress belongs to (when it gave one). */
  callId?: string;
  done: number;
  total: number | null;
  message?: string;
}

/** A key backup opened from the file manager (the keyBackup event): its text, or why it is not read. */
export const keyBackupOpenedSchema = z.union([
  z.object({ name: z.string(), content: z.string().max(1_000_000) }),
  z.object({ name: z.string(), problem: z.enum(['too_large', 'unreadable']) }),
]);
export type KeyBackupOpened = z.infer<typeof keyBackupOpenedSchema>;

/** A file the user is asked for: one to open (import) or a place to save (export). */
export interface FileRequest {
  readonly mode: 'open' | 'save';
  /** Without dots: `csv`, `xlsx`. */
  readonly extensions: readonly string[];
  /** The suggested name when saving. */
  readonly name?: string;
}

/** The file the user chose, granted to this window's connection (procedures take its `fileId`). */
export interface ChosenFile {
  readonly fileId: string;
  readonly name: string;
}

/** What choosing a file gives: the file, null (cancelled), or why it could not be handed over. */
export type FileChoice = ChosenFile | { readonly failed: AppErrorShape } | null;

export interface KontorBridge {
  /** `callId`, when given, tags the call's progress events and lets `cancel` stop it. */
  invoke(name: string, input: unknown, callId?: string): Promise<Result<unknown>>;
  /** Asks the main process to stop the call; it answers with a `cancelled` conflict and changes nothing. */
  cancel(callId: string): Promise<void>;
  /**
   * Asks the user for a file (the system dialog; a file input in the browser); null when they
   * cancel, `failed` when the chosen file could not be handed over (a desk in server mode sends it
   * to the server).
   */
  chooseFile(request: FileRequest): Promise<FileChoice>;
  /** After a procedure wrote a chosen save file: the browser downloads it; the desktop has it in place. */
  deliverFile(fileId: string): Promise<void>;
  /** Returns a function that removes the listener. */
  on(event: EventName, listener: (payload: unknown) => void): () => void;
}
