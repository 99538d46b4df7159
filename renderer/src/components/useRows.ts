/** Loads a list for a page and reloads it on demand (after a save) or when its inputs change. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { toast } from './toasts';

export function useRows<T>(load: () => Promise<T[]>, deps: unknown[]) {
  const [rows, setRows] = useState<T[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const r = await loadRef.current();
      if (mine === seq.current) {
        setRows(r);
        setError(null);
      }
    } catch (e) {
      if (mine === seq.current) {
        setError((e as Error).message);
        setRows((prev) => prev ?? []);
        toast.error(e);
      }
    }
  }, []);

  useEffect(() => {
    void reload();
  }, deps);

  return { rows, error, reload };
}
