/**
 * A small form in a dialog (record a payment, pause, cancel …): Enter submits, Esc cancels, a failed save keeps
 * everything typed and shows the error above the fields.
 */
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import { type FormApi, FormProvider } from './form';
import { type Banner, FormBanner } from './FormBanner';

export function FormDialog({ open = true, title, subtitle, form, banner, busy, onClose, onSubmit, submitLabel, danger, testId, children, maxWidth = 'sm', submitDisabled }: {
  open?: boolean;
  title: ReactNode;
  subtitle?: ReactNode;
  form: FormApi<unknown>;
  banner: Banner | null;
  busy: boolean;
  onClose: () => void;
  onSubmit: () => void | Promise<unknown>;
  submitLabel: string;
  danger?: boolean;
  testId: string;
  children: ReactNode;
  maxWidth?: 'xs' | 'sm' | 'md' | 'lg';
  submitDisabled?: boolean;
}) {
  return (
    <Dialog open={open} onClose={() => !busy && onClose()} maxWidth={maxWidth} fullWidth data-testid={testId} aria-labelledby={`${testId}-title`}>
      <form
        noValidate
        autoComplete="off"
        onSubmit={(e) => {
          e.preventDefault();
          // React events bubble through portals: keep this submit away from a form the dialog was opened from.
          e.stopPropagation();
          if (!busy && !submitDisabled) void onSubmit();
        }}
        onKeyDown={(e) => {
          if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
            e.preventDefault();
            e.stopPropagation();
            if (!busy && !submitDisabled) void onSubmit();
          }
        }}
      >
        <DialogTitle id={`${testId}-title`} sx={{ pb: subtitle ? 0.5 : undefined }}>
          {title}
        </DialogTitle>
        <DialogContent sx={{ pt: subtitle ? 0 : undefined }}>
          {subtitle && (
            <Typography variant="body2" color="text.secondary" sx={{ mb: 2.5 }}>
              {subtitle}
            </Typography>
          )}
          <FormProvider value={form}>
            <Box sx={{ pt: 1 }}>
              <FormBanner banner={banner} form={form} testId={`${testId}-banner`} />
              {children}
            </Box>
          </FormProvider>
        </DialogContent>
        <DialogActions sx={{ px: 3, pb: 2.25 }}>
          <Button onClick={onClose} disabled={busy} data-testid={`${testId}-cancel`}>
            Cancel
          </Button>
          <Button
            type="submit"
            variant="contained"
            color={danger ? 'error' : 'primary'}
            disabled={busy || submitDisabled}
            startIcon={busy ? <CircularProgress size={14} color="inherit" /> : undefined}
            data-testid={`${testId}-submit`}
          >
            {submitLabel}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
