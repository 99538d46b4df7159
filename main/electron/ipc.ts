/**
 * IPC wiring of the operation table: one channel, sender validated, input parsed by the backend (zod).
 * Electron-free types so it can be unit-tested with a fake ipcMain.
 */
import { IPC_INVOKE } from '../../shared/api/bridge';
import type { InvokeResult } from '../../shared/api/bridge';
import { isOpName } from '../../shared/api/index';

export interface IpcSenderFrame { url: string; parent?: unknown | null }
export interface IpcInvokeEventLike { senderFrame: IpcSenderFrame | null; sender?: { id: number } }
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown> | unknown): void;
  removeHandler(channel: string): void;
}
export interface InvokeTarget { invoke(name: string, input: unknown): Promise<InvokeResult> }

/** Only Cadence's own top frame, loaded from the app:// scheme (or file:// in development), may call. */
export function isTrustedSender(frame: IpcSenderFrame | null, trustedOrigins: readonly string[]): boolean {
  if (!frame) return false;
  if (frame.parent) return false; // main frame only
  try {
    const u = new URL(frame.url);
    const origin = u.protocol === 'file:' ? 'file://' : `${u.protocol}//${u.host}`;
    return trustedOrigins.includes(origin);
  } catch {
    return false;
  }
}

export function registerIpc(ipcMain: IpcMainLike, backend: InvokeTarget, trustedOrigins: readonly string[]): () => void {
  ipcMain.handle(IPC_INVOKE, async (event, name, input) => {
    if (!isTrustedSender(event.senderFrame, trustedOrigins)) {
      return { ok: false, error: { code: 'FORBIDDEN', message: 'IPC from an untrusted frame was refused' } } satisfies InvokeResult;
    }
    if (typeof name !== 'string' || !isOpName(name)) {
      return { ok: false, error: { code: 'UNKNOWN_OPERATION', message: `Unknown operation ${String(name)}` } } satisfies InvokeResult;
    }
    return backend.invoke(name, input);
  });
  return () => ipcMain.removeHandler(IPC_INVOKE);
}
