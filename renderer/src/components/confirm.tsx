/**
 * A promise-based confirmation dialog: `if (await confirm({ title, message })) …`. One host renders it.
 * `confirmWithReason` adds a text field (a reason, a note) and resolves to its text, or null when cancelled.
 */
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { create } from 'zustand';

export interface ConfirmOptions {
  title: string;
  message: ReactNode;
  confirmLabel?: string;
  cancelLabel?: string;
  /** Colours the confirm button as destructive. */
  danger?: boolean;
}

export interface ReasonOptions extends ConfirmOptions {
  reasonLabel?: string;
  /** The confirm button stays disabled until a reason is typed. */
  reasonRequired?: boolean;
  reasonPlaceholder?: string;
}

interface Pending extends ReasonOptions {
  id: number;
  withReason: boolean;
  resolve: (reason: string | null) => void;
}

interface ConfirmState {
  pending: Pending | null;
  open: (o: ReasonOptions, withReason: boolean) => Promise<string | null>;
  settle: (reason: string | null) => void;
}

let nextId = 1;
const useConfirmStore = create<ConfirmState>((set, get) => ({
  pending: null,
  open: (o, withReason) =>
    new Promise<string | null>((resolve) => {
      get().pending?.resolve(null);
      set({ pending: { ...o, id: nextId++, withReason, resolve } });
    }),
  settle: (reason) => {
    get().pending?.resolve(reason);
    set({ pending: null });
  },
}));

export const confirm = async (o: ConfirmOptions): Promise<boolean> => (await useConfirmStore.getState().open(o, false)) !== null;

/** Resolves to the trimmed reason ('' when optional and left empty), or null when cancelled. */
export const confirmWithReason = (o: ReasonOptions): Promise<string | null> => useConfirmStore.getState().open(o, true);

function ConfirmBody({ pending, settle }: { pending: Pending; settle: (r: string | null) => void }) {
  const [reason, setReason] = useState('');
  const blocked = pending.withReason && !!pending.reasonRequired && !reason.trim();
  const ok = () => !blocked && settle(reason.trim());
  return (
    <>
      <DialogTitle id="confirm-title">{pending.title}</DialogTitle>
      <DialogContent>
        <DialogContentText component="div">{pending.message}</DialogContentText>
        {pending.withReason && (
          <TextField
            label={pending.reasonLabel ?? 'Reason'}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            required={pending.reasonRequired}
            placeholder={pending.reasonPlaceholder}
            multiline
            minRows={2}
            autoFocus
            sx={{ mt: 2 }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                ok();
              }
            }}
            slotProps={{ htmlInput: { 'data-testid': 'confirm-reason', maxLength: 500 }, inputLabel: pending.reasonPlaceholder ? { shrink: true } : undefined }}
          />
        )}
      </DialogContent>
      <DialogActions sx={{ px: 3, pb: 2 }}>
        {/* Destructive actions start on Cancel, so a stray Enter does not archive anything. */}
        <Button onClick={() => settle(null)} autoFocus={pending.danger && !pending.withReason} data-testid="confirm-cancel">
          {pending.cancelLabel ?? 'Cancel'}
        </Button>
        <Button
          onClick={ok}
          variant="contained"
          color={pending.danger ? 'error' : 'primary'}
          autoFocus={!pending.danger && !pending.withReason}
          disabled={blocked}
          data-testid="confirm-ok"
        >
          {pending.confirmLabel ?? 'Confirm'}
        </Button>
      </DialogActions>
    </>
  );
}

export function ConfirmHost() {
  const pending = useConfirmStore((s) => s.pending);
  const settle = useConfirmStore((s) => s.settle);
  return (
    <Dialog open={!!pending} onClose={() => settle(null)} maxWidth="xs" fullWidth data-testid="confirm-dialog" aria-labelledby="confirm-title">
      {pending && <ConfirmBody key={pending.id} pending={pending} settle={settle} />}
    </Dialog>
  );
}
