/**
 * A tiny hash router: `#/customers/<id>` → ['customers', '<id>']. Hash routes survive reloads in web mode and in
 * Electron's file/app:// pages alike, and the back button works.
 */
import { useSyncExternalStore } from 'react';

const subscribe = (cb: () => void) => {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
};
const snapshot = () => window.location.hash;

export function parseHash(hash: string): string[] {
  return hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .map((s) => decodeURIComponent(s));
}

/** The current route segments. */
export function useRoute(): string[] {
  const hash = useSyncExternalStore(subscribe, snapshot);
  return parseHash(hash);
}

export function hrefOf(...segments: string[]): string {
  return '#/' + segments.map(encodeURIComponent).join('/');
}

/** Navigate to a route; `replace` does not add a history entry. */
export function navigate(segments: string[], replace = false): void {
  const target = hrefOf(...segments);
  if (window.location.hash === target) return;
  if (replace) {
    window.history.replaceState(null, '', target);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = target;
  }
}
