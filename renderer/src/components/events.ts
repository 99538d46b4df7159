/**
 * Backend events for every screen through ONE connection. In web mode all subscribers share a single EventSource on
 * /api/events (one per subscriber would exhaust the browser's six connections per host and stall API calls); in
 * Electron the preload bridge is used per event name. `useEvent(name, cb)` subscribes for a component's lifetime.
 */
import { useEffect, useRef } from 'react';
import { onEvent } from '../api/client';

type Callback = (payload: unknown) => void;

const listeners = new Map<string, Set<Callback>>();
const attached = new Map<string, () => void>();
let source: EventSource | null = null;

function dispatch(event: string, payload: unknown): void {
  for (const cb of [...(listeners.get(event) ?? [])]) {
    try {
      cb(payload);
    } catch (e) {
      console.warn(`event handler for ${event} failed`, e);
    }
  }
}

function attach(event: string): void {
  if (attached.has(event)) return;
  if (window.cadence) {
    attached.set(event, onEvent(event, (p) => dispatch(event, p)));
    return;
  }
  source ??= new EventSource('/api/events', { withCredentials: true });
  const s = source;
  const listener = (e: MessageEvent) => {
    let payload: unknown = null;
    try {
      payload = JSON.parse(e.data as string);
    } catch {
      payload = e.data;
    }
    dispatch(event, payload);
  };
  s.addEventListener(event, listener as EventListener);
  attached.set(event, () => s.removeEventListener(event, listener as EventListener));
}

/** Subscribe to a backend event; returns the unsubscribe function. */
export function subscribe(event: string, cb: Callback): () => void {
  let set = listeners.get(event);
  if (!set) listeners.set(event, (set = new Set()));
  set.add(cb);
  attach(event);
  return () => {
    set.delete(cb);
  };
}

/** Subscribe for the lifetime of the component; the latest callback is always the one called. */
export function useEvent(event: string | string[], cb: Callback): void {
  const ref = useRef(cb);
  ref.current = cb;
  const key = Array.isArray(event) ? event.join('|') : event;
  useEffect(() => {
    const offs = key.split('|').map((name) => subscribe(name, (p) => ref.current(p)));
    return () => offs.forEach((off) => off());
  }, [key]);
}

/**
 * Calls `refresh` after any of `events` (coalesced: at most once per `delayMs`), every `intervalMs` as a fallback,
 * and when the window regains focus.
 */
export function useLiveRefresh(refresh: () => void, events: string[], opts: { delayMs?: number; intervalMs?: number } = {}): void {
  const ref = useRef(refresh);
  ref.current = refresh;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const delay = opts.delayMs ?? 200;
  useEvent(events, () => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      ref.current();
    }, delay);
  });
  const interval = opts.intervalMs ?? 0;
  useEffect(() => {
    const onFocus = () => ref.current();
    window.addEventListener('focus', onFocus);
    const t = interval > 0 ? setInterval(() => ref.current(), interval) : null;
    return () => {
      window.removeEventListener('focus', onFocus);
      if (t) clearInterval(t);
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [interval]);
}
