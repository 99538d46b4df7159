/** The contract between renderer and backend transports (Electron preload or HTTP). */
import type { ApiErrorBody } from './errors';

export type InvokeResult = { ok: true; data: unknown } | { ok: false; error: ApiErrorBody };

/** What preload exposes as `window.cadence`: one checked invoke, and event subscriptions returning an unsubscribe. */
export interface CadenceBridge {
  invoke(operation: string, input: unknown): Promise<InvokeResult>;
  on(event: string, callback: (payload: unknown) => void): () => void;
  platform: string;
}

/** IPC channel names (Electron). */
export const IPC_INVOKE = 'cadence:invoke';
export const IPC_EVENT = 'cadence:event';

/** Events the backend pushes to the UI. */
export const PUSHED_EVENTS = ['billing.progress', 'billing.finished', 'sync.status', 'export.progress', 'export.finished', 'orders.progress', 'data.changed'] as const;
