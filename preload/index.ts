/**
 * Preload: exposes exactly `window.cadence` — one invoke(operation, input) checked against the operation table,
 * and a wrapped on(event, callback) returning an unsubscribe. ipcRenderer itself is never exposed.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { type CadenceBridge, IPC_EVENT, IPC_INVOKE, type InvokeResult } from '../shared/api/bridge';

/** Injected at build time from the operation table (main/tools/build.ts), so the sandboxed preload stays small. */
declare const __CADENCE_OP_NAMES__: readonly string[];
declare const __CADENCE_EVENTS__: readonly string[];

const known = new Set<string>(__CADENCE_OP_NAMES__);
const events = new Set<string>(__CADENCE_EVENTS__);

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
