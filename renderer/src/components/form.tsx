/**
 * Form state for the editors: values keep exactly what the user typed (a failed save loses nothing), errors are a
 * map of dotted paths ("billingAddress.city", "contacts.0.email") → message, filled from the API's zod issues.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError } from '../api/client';

export type FieldErrors = Record<string, string>;

const splitPath = (path: string): string[] => (path ? path.split('.') : []);

export function getIn(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of splitPath(path)) {
    if (cur === null || cur === undefined) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export function setIn<T>(obj: T, path: string, value: unknown): T {
  const keys = splitPath(path);
  if (keys.length === 0) return value as T;
  const [head, ...rest] = keys;
  const container: unknown = obj ?? (/^\d+$/.test(head) ? [] : {});
  const child = (container as Record<string, unknown>)[head];
  const next = setIn(child, rest.join('.'), value);
  if (Array.isArray(container)) {
    const copy = container.slice();
    copy[Number(head)] = next;
    return copy as T;
  }
  return { ...(container as object), [head]: next } as T;
}

/** Field errors of a failed call, with the update operations' `patch.` prefix removed; null if not field-level. */
export function fieldErrorsOf(e: unknown): FieldErrors | null {
  if (!(e instanceof ApiError)) return null;
  const raw = e.fieldErrors;
  const keys = Object.keys(raw);
  if (keys.length === 0) return null;
  const out: FieldErrors = {};
  for (const k of keys) {
    const path = k.replace(/^patch\./, '');
    if (!(path in out)) out[path] = raw[k];
  }
  return out;
}

/** "must be a valid email" → "Must be a valid email". */
export const sentence = (msg: string): string => (msg ? msg[0].toUpperCase() + msg.slice(1) : msg);

export interface FormApi<T> {
  values: T;
  errors: FieldErrors;
  dirty: boolean;
  get: (path: string) => unknown;
  set: (path: string, value: unknown) => void;
  /** Replace values and forget errors; the new values become the clean baseline. */
  reset: (values: T) => void;
  setErrors: (errors: FieldErrors) => void;
  /** Paths rendered by a field (errors on other paths are shown in the form's banner). */
  registered: Set<string>;
}

export function useForm<T>(initial: T): FormApi<T> {
  const [values, setValues] = useState<T>(initial);
  const [baseline, setBaseline] = useState<string>(() => JSON.stringify(initial));
  const [errors, setErrorsState] = useState<FieldErrors>({});
  const registered = useRef(new Set<string>()).current;

  const set = useCallback((path: string, value: unknown) => {
    setValues((v) => setIn(v, path, value));
    setErrorsState((errs) => {
      const stale = Object.keys(errs).filter((k) => k === path || k.startsWith(path + '.'));
      if (stale.length === 0) return errs;
      const copy = { ...errs };
      for (const k of stale) delete copy[k];
      return copy;
    });
  }, []);
  const reset = useCallback((v: T) => {
    setValues(v);
    setBaseline(JSON.stringify(v));
    setErrorsState({});
  }, []);

  return useMemo(
    () => ({
      values,
      errors,
      dirty: JSON.stringify(values) !== baseline,
      get: (path: string) => getIn(values, path),
      set,
      reset,
      setErrors: setErrorsState,
      registered,
    }),
    [values, errors, baseline, set, reset, registered],
  );
}

const FormContext = createContext<FormApi<unknown> | null>(null);
export const FormProvider = FormContext.Provider;

export function useFormApi(): FormApi<unknown> {
  const f = useContext(FormContext);
  if (!f) throw new Error('field used outside a <FormProvider>');
  return f;
}

/** One field's value, error and setter. Registers its path so the banner does not repeat the error. */
export function useField<V = unknown>(path: string): { value: V; error: string | undefined; set: (v: V) => void } {
  const form = useFormApi();
  const { registered } = form;
  useEffect(() => {
    registered.add(path);
    return () => {
      registered.delete(path);
    };
  }, [registered, path]);
  const set = useCallback((v: V) => form.set(path, v), [form, path]);
  const error = form.errors[path];
  return { value: form.get(path) as V, error: error === undefined ? undefined : sentence(error), set };
}

/** Errors no field shows (e.g. a whole-object issue), for the form's banner. */
export function unclaimedErrors(form: FormApi<unknown>): [string, string][] {
  return Object.entries(form.errors).filter(([path]) => !form.registered.has(path));
}
