/** A promise-based confirmation dialog: `if (await confirm({ title, message })) …`. One host renders it. */
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import type { ReactNode } from 'react';
import { create } from 'zustand';

export interface ConfirmOptions {
  title: string;
  message: ReactNode;
  confirmLabel?: string;
  cancelLabel?: string;
  /** Colours the confirm button as destructive. */
  danger?: boolean;
}

interface ConfirmState {
  pending: (ConfirmOptions & { resolve: (ok: boolean) => void }) | null;
  open: (o: ConfirmOptions) => Promise<boolean>;
  settle: (ok: boolean) => void;
}

const useConfirmStore = create<ConfirmState>((set, get) => ({
  pending: null,
  open: (o) =>
    new Promise<boolean>((resolve) => {
      get().pending?.resolve(false);
      set({ pending: { ...o, resolve } });
    }),
  settle: (ok) => {
    get().pending?.resolve(ok);
    set({ pending: null });
  },
}));

export const confirm = (o: ConfirmOptions): Promise<boolean> => useConfirmStore.getState().open(o);

export function ConfirmHost() {
  const pending = useConfirmStore((s) => s.pending);
  const settle = useConfirmStore((s) => s.settle);
  return (
    <Dialog open={!!pending} onClose={() => settle(false)} maxWidth="xs" fullWidth data-testid="confirm-dialog" aria-labelledby="confirm-title">
      {pending && (
        <>
          <DialogTitle id="confirm-title">{pending.title}</DialogTitle>
          <DialogContent>
            <DialogContentText component="div">{pending.message}</DialogContentText>
          </DialogContent>
          <DialogActions sx={{ px: 3, pb: 2 }}>
            {/* Destructive actions start on Cancel, so a stray Enter does not archive anything. */}
            <Button onClick={() => settle(false)} autoFocus={pending.danger} data-testid="confirm-cancel">
              {pending.cancelLabel ?? 'Cancel'}
            </Button>
            <Button
              onClick={() => settle(true)}
              variant="contained"
              color={pending.danger ? 'error' : 'primary'}
              autoFocus={!pending.danger}
              data-testid="confirm-ok"
            >
              {pending.confirmLabel ?? 'Confirm'}
            </Button>
          </DialogActions>
        </>
      )}
    </Dialog>
  );
}
