/** The row above a list: a search box, filters, and the page's actions on the right. */
import ClearIcon from '@mui/icons-material/Clear';
import SearchIcon from '@mui/icons-material/Search';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import InputAdornment from '@mui/material/InputAdornment';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';

export function PageToolbar({ children, actions }: { children?: ReactNode; actions?: ReactNode }) {
  return (
    <Stack direction="row" spacing={1.5} useFlexGap sx={{ alignItems: 'center', mb: 2, flexWrap: 'wrap', rowGap: 1.5 }}>
      {children}
      <Box sx={{ flex: 1 }} />
      {actions}
    </Stack>
  );
}

export function SearchBox({ value, onChange, placeholder, testId, width = 280 }: { value: string; onChange: (v: string) => void; placeholder: string; testId: string; width?: number }) {
  return (
    <TextField
      value={value}
      onChange={(e) => onChange(e.target.value)}
      placeholder={placeholder}
      fullWidth={false}
      sx={{ width, bgcolor: 'background.paper' }}
      data-testid={testId}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && value) {
          e.stopPropagation();
          onChange('');
        }
      }}
      slotProps={{
        htmlInput: { 'aria-label': placeholder },
        input: {
          startAdornment: (
            <InputAdornment position="start">
              <SearchIcon fontSize="small" />
            </InputAdornment>
          ),
          endAdornment: value ? (
            <InputAdornment position="end">
              <IconButton size="small" aria-label="Clear search" onClick={() => onChange('')} edge="end">
                <ClearIcon fontSize="small" />
              </IconButton>
            </InputAdornment>
          ) : undefined,
        },
      }}
    />
  );
}

export function SegmentedFilter<V extends string>({ value, onChange, options, testId, label }: { value: V; onChange: (v: V) => void; options: { value: V; label: string }[]; testId: string; label: string }) {
  return (
    <ToggleButtonGroup
      value={value}
      exclusive
      size="small"
      aria-label={label}
      onChange={(_e, v: V | null) => v && onChange(v)}
      data-testid={testId}
      sx={{ bgcolor: 'background.paper', '& .MuiToggleButton-root': { px: 1.5, py: 0.5, textTransform: 'none', fontWeight: 500 } }}
    >
      {options.map((o) => (
        <ToggleButton key={o.value} value={o.value} data-testid={`${testId}-${o.value}`}>
          {o.label}
        </ToggleButton>
      ))}
    </ToggleButtonGroup>
  );
}

export function CountLabel({ shown, total, noun }: { shown: number; total: number; noun: string }) {
  return (
    <Typography variant="body2" color="text.secondary" sx={{ whiteSpace: 'nowrap' }}>
      {shown === total ? `${total} ${noun}` : `${shown} of ${total} ${noun}`}
    </Typography>
  );
}
