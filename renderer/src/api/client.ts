/**
 * The one API client. In Electron it talks to preload's `window.cadence`; in web mode to POST /api/<operation>
 * (the session cookie set by /?token=… authenticates). Typed from the shared operation table.
 */
import type { z } from 'zod';
import type { CadenceBridge, InvokeResult } from '../../../shared/api/bridge';
import type { ApiErrorBody } from '../../../shared/api/errors';
import type { Operations, OpName } from '../../../shared/api/index';

declare global {
  interface Window {
    cadence?: CadenceBridge;
  }
}

export class ApiError extends Error {
  constructor(public readonly body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
  }
  /** Field path → message, for inline form errors (paths like "billingAddress.city"). */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of this.body.details?.fields ?? []) if (!(f.path in out)) out[f.path] = f.message;
    return out;
  }
}

async function httpInvoke(operation: string, input: unknown): Promise<InvokeResult> {
  let res: Response;
  try {
    res = await fetch(`/api/${operation}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify(input ?? {}),
    });
  } catch (e) {
    return { ok: false, error: { code: 'UNAVAILABLE', message: `Cadence's backend cannot be reached: ${(e as Error).message}` } };
  }
  const body = await res.json().catch(() => ({ error: { code: 'INTERNAL', message: `HTTP ${res.status}` } }));
  if (res.ok) return { ok: true, data: body };
  return { ok: false, error: body.error };
}

export async function invoke<K extends OpName>(operation: K, input: z.input<Operations[K]['input']>): Promise<z.output<Operations[K]['output']>> {
  const r = window.cadence ? await window.cadence.invoke(operation, input) : await httpInvoke(operation, input);
  if (!r.ok) throw new ApiError(r.error);
  return r.data as z.output<Operations[K]['output']>;
}

/** Subscribe to backend events (progress, sync status). Returns an unsubscribe function. */
let shared: { source: EventSource; users: number } | null = null;

/** One EventSource for every subscriber in web mode (a browser allows only ~6 connections per host). */
export function onEvent(event: string, callback: (payload: unknown) => void): () => void {
  if (window.cadence) return window.cadence.on(event, callback);
  if (!shared) shared = { source: new EventSource('/api/events', { withCredentials: true }), users: 0 };
  const s = shared;
  s.users++;
  const listener = (e: MessageEvent) => callback(JSON.parse(e.data));
  s.source.addEventListener(event, listener as EventListener);
  return () => {
    s.source.removeEventListener(event, listener as EventListener);
    if (--s.users === 0) {
      s.source.close();
      if (shared === s) shared = null;
    }
  };
}

export const isElectron = (): boolean => !!window.cadence;
