// Exposes window.kontor to the renderer: invoke(name, input) and on(event, listener), for the
// names of the contract only. No Node object, no ipcRenderer, reaches the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { eventNames, procedureNames } from '../shared/contract/names';

const procedures: ReadonlySet<string> = new Set(procedureNames);
const events: ReadonlySet<string> = new Set(eventNames);

contextBridge.exposeInMainWorld('kontor', {
  invoke(name: unknown, input: unknown, callId?: unknown): Promise<unknown> {
    if (typeof name !== 'string' || !procedures.has(name)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'not_found', message: `unknown procedure '${String(name)}'` },
      });
    }
    return ipcRenderer.invoke('kontor:invoke', name, input, typeof callId === 'string' ? callId : undefined);
  },
  cancel(callId: unknown): Promise<void> {
    return typeof callId === 'string' ? ipcRenderer.invoke('kontor:cancel', callId) : Promise.resolve();
  },
  chooseFile(request: unknown): Promise<unknown> {
    return ipcRenderer.invoke('kontor:choose-file', request);
  },
  // The desktop writes where the user chose in the save dialog: nothing to deliver.
  deliverFile: (): Promise<void> => Promise.resolve(),
  on(event: unknown, listener: unknown): () => void {
    if (typeof event !== 'string' || !events.has(event) || typeof listener !== 'function') {
      throw new Error(`unknown event '${String(event)}'`);
    }
    const channel = `kontor:event:${event}`;
    const forward = (_event: IpcRendererEvent, payload: unknown) => (listener as (payload: unknown) => void)(payload);
    ipcRenderer.on(channel, forward);
    return () => ipcRenderer.removeListener(channel, forward);
  },
});
