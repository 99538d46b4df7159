/**
 * The record an editor drawer edits: loaded by id (when not new) into the form, with a banner on failure, and the
 * "Reload latest" action of a 409 banner, which reloads and puts the focus back into the form.
 */
import { useEffect, useState } from 'react';
import { focusFirstField } from './FormDrawer';
import type { useSave } from './useSave';

export function useEditedRecord<T, V>(opts: {
  id: string;
  editing: boolean;
  fetch: (id: string) => Promise<T>;
  toValues: (record: T) => V;
  reset: (values: V) => void;
  setBanner: ReturnType<typeof useSave>['setBanner'];
}) {
  const [record, setRecord] = useState<T | null>(null);
  const { id, editing, fetch, toValues, reset, setBanner } = opts;

  const load = async () => {
    try {
      const r = await fetch(id);
      setRecord(r);
      reset(toValues(r));
      setBanner(null);
    } catch (e) {
      setBanner({ severity: 'error', message: (e as Error).message });
    }
  };
  /** "Reload latest" removes itself with the banner: put the focus back into the form. */
  const reloadAndFocus = (button: HTMLElement) => {
    const formEl = button.closest('form');
    void load().then(() => focusFirstField(formEl));
  };
  useEffect(() => {
    if (editing) void load();
  }, [id]); // load only depends on id

  return { record, setRecord, load, reloadAndFocus };
}
