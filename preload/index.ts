/**
 * Preload: exposes exactly `window.cadence` — one invoke(operation, input) checked against the operation table,
 * and a wrapped on(event, callback) returning an unsubscribe. ipcRenderer itself is never exposed.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { type CadenceBridge, IPC_EVENT, IPC_INVOKE, type InvokeResult, PUSHED_EVENTS } from '../shared/api/bridge';
import { opNames } from '../shared/api/index';

const known = new Set<string>(opNames);
const events = new Set<string>(PUSHED_EVENTS);

const bridge: CadenceBridge = {
  platform: process.platform,
  async invoke(operation, input) {
    if (typeof operation !== 'string' || !known.has(operation)) {
      return { ok: false, error: { code: 'UNKNOWN_OPERATION', message: `Unknown operation ${String(operation)}` } } satisfies InvokeResult;
    }
    return (await ipcRenderer.invoke(IPC_INVOKE, operation, input)) as InvokeResult;
  },
  on(event, callback) {
    if (!events.has(event)) throw new Error(`Unknown event ${event}`);
    const listener = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) callback(payload);
    };
    ipcRenderer.on(IPC_EVENT, listener);
    return () => ipcRenderer.removeListener(IPC_EVENT, listener);
  },
};

contextBridge.exposeInMainWorld('cadence', bridge);
