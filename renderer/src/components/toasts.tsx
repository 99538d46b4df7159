/** Toasts (MUI Snackbar): `toast.success('Saved')`, `toast.error(err)` from anywhere. */
import Alert from '@mui/material/Alert';
import Snackbar from '@mui/material/Snackbar';
import { create } from 'zustand';
import { sentence } from './form';

type Severity = 'success' | 'error' | 'info' | 'warning';
interface Toast {
  id: number;
  message: string;
  severity: Severity;
}
interface ToastState {
  queue: Toast[];
  push: (message: string, severity: Severity) => void;
  dismiss: (id: number) => void;
}

let nextId = 1;
export const useToasts = create<ToastState>((set) => ({
  queue: [],
  // A new toast replaces the one showing (the newest news wins; nothing waits behind an 8 s error).
  push: (message, severity) => set(() => ({ queue: [{ id: nextId++, message, severity }] })),
  dismiss: (id) => set((s) => ({ queue: s.queue.filter((t) => t.id !== id) })),
}));

const messageOf = (e: unknown): string => sentence(e instanceof Error ? e.message : String(e));

export const toast = {
  success: (message: string) => useToasts.getState().push(sentence(message), 'success'),
  info: (message: string) => useToasts.getState().push(message, 'info'),
  error: (e: unknown) => useToasts.getState().push(messageOf(e), 'error'),
};

/** Shows the current toast. */
export function Toaster() {
  const current = useToasts((s) => s.queue[0]);
  const dismiss = useToasts((s) => s.dismiss);
  if (!current) return null;
  const close = (_e?: unknown, reason?: string) => {
    if (reason !== 'clickaway') dismiss(current.id);
  };
  return (
    <Snackbar
      key={current.id}
      open
      autoHideDuration={current.severity === 'error' ? 8000 : 4000}
      onClose={close}
      anchorOrigin={{ vertical: 'bottom', horizontal: 'left' }}
    >
      <Alert
        onClose={close}
        severity={current.severity}
        variant="filled"
        data-testid={`toast-${current.severity}`}
        sx={{ minWidth: 300, maxWidth: 520, alignItems: 'center', boxShadow: 3 }}
      >
        {current.message}
      </Alert>
    </Snackbar>
  );
}
