/** The MUI theme: a calm, dense back-office look shared by every page. */
import { alpha, createTheme } from '@mui/material/styles';

export const FONT_STACK = '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif';

export const colors = {
  primary: '#2f5bd3',
  sidebar: '#111827',
  sidebarText: '#cbd5e1',
  sidebarMuted: '#64748b',
  page: '#f5f6f8',
  border: '#e3e6eb',
  text: '#1f2937',
  muted: '#6b7280',
} as const;

export const theme = createTheme({
  // Honour the system's "reduce motion" preference (drawers, menus and dialogs then appear without animation).
  motion: { reducedMotion: 'system' },
  palette: {
    mode: 'light',
    primary: { main: colors.primary },
    secondary: { main: '#0f766e' },
    background: { default: colors.page, paper: '#ffffff' },
    text: { primary: colors.text, secondary: colors.muted },
    divider: colors.border,
  },
  shape: { borderRadius: 6 },
  typography: {
    fontFamily: FONT_STACK,
    fontSize: 13,
    h5: { fontSize: '1.25rem', fontWeight: 600, letterSpacing: '-0.01em' },
    h6: { fontSize: '1.05rem', fontWeight: 600 },
    subtitle1: { fontWeight: 600, fontSize: '0.95rem' },
    subtitle2: { fontWeight: 600, fontSize: '0.8rem', letterSpacing: '0.02em' },
    overline: { fontWeight: 600, letterSpacing: '0.08em', fontSize: '0.68rem' },
    button: { textTransform: 'none', fontWeight: 600 },
  },
  components: {
    // No ripples: a calm UI; keyboard focus shows the outline from global.css instead.
    MuiButtonBase: { defaultProps: { disableRipple: true } },
    MuiButton: {
      defaultProps: { disableElevation: true },
      styleOverrides: { root: { paddingInline: 14 } },
    },
    MuiTextField: { defaultProps: { size: 'small', fullWidth: true } },
    MuiFormControl: { defaultProps: { size: 'small' } },
    MuiAutocomplete: { defaultProps: { size: 'small' } },
    MuiPaper: {
      defaultProps: { elevation: 0 },
      styleOverrides: { outlined: { borderColor: colors.border } },
    },
    MuiFormHelperText: { styleOverrides: { root: { marginInline: 2 } } },
    MuiChip: { styleOverrides: { sizeSmall: { fontSize: '0.75rem' } } },
    MuiTooltip: { defaultProps: { arrow: true } },
    MuiListItemButton: {
      styleOverrides: {
        root: { '&.Mui-focusVisible': { outline: `2px solid ${alpha(colors.primary, 0.8)}`, outlineOffset: -2 } },
      },
    },
    MuiSwitch: {
      styleOverrides: {
        switchBase: { '&.Mui-focusVisible .MuiSwitch-thumb': { outline: `2px solid ${colors.primary}`, outlineOffset: 2 } },
      },
    },
    MuiCheckbox: { styleOverrides: { root: { '&.Mui-focusVisible': { outline: `2px solid ${colors.primary}`, outlineOffset: -4 } } } },
    MuiDialogTitle: { styleOverrides: { root: { fontSize: '1.05rem', fontWeight: 600 } } },
  },
});
