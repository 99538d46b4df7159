/**
 * The editor frame: a right-hand drawer holding one <form>. Enter submits (from any single-line field), Ctrl+S / ⌘S
 * submits from anywhere in it, Esc closes (asking first when there are unsaved changes). When a save fails the first
 * invalid field gets the focus.
 */
import CloseIcon from '@mui/icons-material/Close';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Divider from '@mui/material/Divider';
import Drawer from '@mui/material/Drawer';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import type { KeyboardEvent, ReactNode } from 'react';
import { useEffect, useRef } from 'react';
import { confirm } from './confirm';

export interface FormDrawerProps {
  open: boolean;
  title: string;
  subtitle?: ReactNode;
  /** Chips or status shown beside the title. */
  badge?: ReactNode;
  onClose: () => void;
  /** Resolve false when the save failed (the first invalid field is then focused). */
  onSubmit: () => Promise<boolean | void>;
  dirty: boolean;
  busy?: boolean;
  testId: string;
  saveTestId?: string;
  submitLabel?: string;
  /** Secondary actions at the left of the footer (archive, restore…). */
  secondaryActions?: ReactNode;
  width?: number;
  /** False while the editor loads; the first field is focused once it is ready and the drawer has slid in. */
  ready?: boolean;
  children: ReactNode;
}

const FIRST_FIELD = 'input:not([disabled]):not([type=hidden]):not([readonly]), textarea:not([disabled]):not([aria-hidden=true]), [role=combobox]:not([aria-disabled=true])';

/** Focuses the first editable field of a form (e.g. after the button that had the focus went away). */
export function focusFirstField(form: Element | null): void {
  requestAnimationFrame(() => form?.querySelector<HTMLElement>(FIRST_FIELD)?.focus());
}

export function FormDrawer(p: FormDrawerProps) {
  const formRef = useRef<HTMLFormElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const focused = useRef(false);
  const ready = p.ready !== false;

  // autoFocus cannot work while the drawer slides in (its paper is hidden), and editors render their fields only once
  // loaded: so focus the first field (or the one marked data-autofocus) as soon as it can take the focus.
  useEffect(() => {
    if (!p.open || !ready || focused.current) return;
    let frame = 0;
    let tries = 0;
    const attempt = () => {
      const body = bodyRef.current;
      const active = document.activeElement;
      if (body && active && body.contains(active) && active !== body) {
        focused.current = true; // the user got there first
        return;
      }
      const target = body?.querySelector<HTMLElement>('[data-autofocus="true"]:not([disabled])') ?? body?.querySelector<HTMLElement>(FIRST_FIELD);
      target?.focus();
      if (target && document.activeElement === target) focused.current = true;
      else if (++tries < 90) frame = requestAnimationFrame(attempt);
    };
    frame = requestAnimationFrame(attempt);
    return () => cancelAnimationFrame(frame);
  }, [p.open, ready]);

  const requestClose = async () => {
    if (p.busy) return;
    if (p.dirty) {
      const discard = await confirm({
        title: 'Discard changes?',
        message: 'You have unsaved changes in this form. Close it and lose them?',
        confirmLabel: 'Discard',
        danger: true,
      });
      if (!discard) return;
    }
    p.onClose();
  };

  const submit = async () => {
    if (p.busy) return;
    const ok = await p.onSubmit();
    if (ok === false) {
      requestAnimationFrame(() => {
        const bad = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
        bad?.focus();
      });
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault();
      void submit();
    }
  };

  return (
    <Drawer
      anchor="right"
      open={p.open}
      onClose={() => void requestClose()}
      slotProps={{ paper: { sx: { width: { xs: '100%', sm: p.width ?? 680 }, maxWidth: '100vw' } } }}
    >
      <Box
        component="form"
        ref={formRef}
        noValidate
        autoComplete="off"
        data-testid={p.testId}
        onKeyDown={onKeyDown}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        sx={{ display: 'flex', flexDirection: 'column', height: '100%' }}
      >
        <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start', px: 3, pt: 2.5, pb: 2 }}>
          <Box sx={{ flex: 1, minWidth: 0 }}>
            <Stack sx={{ alignItems: 'center' }} direction="row" spacing={1}>
              <Typography variant="h6" component="h2" noWrap data-testid={`${p.testId}-title`}>
                {p.title}
              </Typography>
              {p.badge}
            </Stack>
            {p.subtitle && (
              <Typography variant="body2" color="text.secondary" sx={{ mt: 0.25 }} noWrap>
                {p.subtitle}
              </Typography>
            )}
          </Box>
          <Tooltip title="Close (Esc)">
            <IconButton onClick={() => void requestClose()} aria-label="Close" size="small" data-testid={`${p.testId}-close`}>
              <CloseIcon fontSize="small" />
            </IconButton>
          </Tooltip>
        </Stack>
        <Divider />
        <Box ref={bodyRef} sx={{ flex: 1, overflowY: 'auto', px: 3, py: 2.5 }}>
          {p.children}
        </Box>
        <Divider />
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', px: 3, py: 1.5, bgcolor: 'grey.50' }}>
          {p.secondaryActions}
          <Box sx={{ flex: 1 }} />
          <Typography variant="caption" color="text.secondary" sx={{ mr: 1, display: { xs: 'none', md: 'block' } }}>
            <kbd>Ctrl</kbd>+<kbd>S</kbd> to save · <kbd>Esc</kbd> to close
          </Typography>
          <Button onClick={() => void requestClose()} disabled={p.busy} data-testid={`${p.testId}-cancel`}>
            Cancel
          </Button>
          <Button
            type="submit"
            variant="contained"
            disabled={p.busy}
            data-testid={p.saveTestId}
            startIcon={p.busy ? <CircularProgress size={14} color="inherit" /> : undefined}
          >
            {p.submitLabel ?? 'Save'}
          </Button>
        </Stack>
      </Box>
    </Drawer>
  );
}

/** A titled group of fields inside a form. */
export function FormSection({ title, description, action, children }: { title: string; description?: ReactNode; action?: ReactNode; children: ReactNode }) {
  return (
    <Box component="section" sx={{ '& + &': { mt: 3 } }}>
      <Stack direction="row" sx={{ alignItems: 'center', mb: 1.5, minHeight: 30 }}>
        <Box sx={{ flex: 1 }}>
          <Typography variant="overline" color="text.secondary" component="h3" sx={{ lineHeight: 1.6 }}>
            {title}
          </Typography>
          {description && (
            <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: -0.25 }}>
              {description}
            </Typography>
          )}
        </Box>
        {action}
      </Stack>
      {children}
    </Box>
  );
}
