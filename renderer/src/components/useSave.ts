/**
 * The save/error protocol shared by every editor: client checks first, then the call; field errors from the API
 * (zod issues) go inline, a 409 becomes a warning with the server's message, anything else a banner and a toast.
 */
import { useState } from 'react';
import { ApiError } from '../api/client';
import type { Banner } from './FormBanner';
import { type FieldErrors, type FormApi, fieldErrorsOf, sentence } from './form';
import { toast } from './toasts';

export function useSave(form: FormApi<unknown>, what: string) {
  const [busy, setBusy] = useState(false);
  const [banner, setBanner] = useState<Banner | null>(null);

  /** Runs `call` unless `clientErrors` has entries. Resolves true on success (for FormDrawer's focus handling). */
  const run = async (clientErrors: FieldErrors, call: () => Promise<void>, conflictAction?: Banner['action']): Promise<boolean> => {
    if (Object.keys(clientErrors).length > 0) {
      form.setErrors(clientErrors);
      setBanner({ severity: 'error', message: `Could not save the ${what}: please correct the highlighted fields.` });
      return false;
    }
    setBusy(true);
    setBanner(null);
    try {
      await call();
      return true;
    } catch (e) {
      const fields = fieldErrorsOf(e);
      if (fields) {
        form.setErrors(fields);
        setBanner({ severity: 'error', message: `Could not save the ${what}: please correct the highlighted fields.` });
        const n = Object.keys(fields).length;
        toast.error(`Could not save the ${what}: ${n === 1 ? 'one field needs' : `${n} fields need`} attention`);
      } else if (e instanceof ApiError && e.body.code === 'CONFLICT') {
        setBanner({ severity: 'warning', message: sentence(e.message), action: conflictAction });
        toast.error(e.message);
      } else {
        setBanner({ severity: 'error', message: sentence((e as Error).message) });
        toast.error(e);
      }
      return false;
    } finally {
      setBusy(false);
    }
  };

  /** Runs an action outside the form (archive, reactivate): busy meanwhile, a failure as a toast. Resolves true on success. */
  const act = async (call: () => Promise<void>): Promise<boolean> => {
    setBusy(true);
    try {
      await call();
      return true;
    } catch (e) {
      toast.error(e);
      return false;
    } finally {
      setBusy(false);
    }
  };

  return { busy, setBusy, banner, setBanner, run, act };
}
