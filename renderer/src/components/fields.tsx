/**
 * Form fields bound to a <FormProvider> by path. Each shows its API/client error inline and carries a stable test
 * hook: `field-<path>` on the field root (the error text is `field-<path>-error`).
 */
import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import MenuItem from '@mui/material/MenuItem';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { useField } from './form';
import { type CodeOption, countryOptions, currencyOptions, filterCodeOptions } from './reference';

interface BaseProps {
  path: string;
  label: string;
  required?: boolean;
  helperText?: ReactNode;
  autoFocus?: boolean;
  disabled?: boolean;
  testId?: string;
}

const tid = (p: BaseProps) => p.testId ?? `field-${p.path}`;
const helper = (error: string | undefined, helperText: ReactNode, testId: string) =>
  error ? { children: error, testId: `${testId}-error` } : helperText ? { children: helperText, testId: undefined } : null;

export function TextInput(
  props: BaseProps & { multiline?: boolean; minRows?: number; placeholder?: string; type?: string; uppercase?: boolean; inputMode?: 'numeric' | 'decimal' | 'email' | 'text'; endAdornment?: ReactNode },
) {
  const { value, error, set } = useField<string | null | undefined>(props.path);
  const testId = tid(props);
  const h = helper(error, props.helperText, testId);
  return (
    <TextField
      label={props.label}
      value={value ?? ''}
      onChange={(e) => set(props.uppercase ? e.target.value.toUpperCase() : e.target.value)}
      required={props.required}
      error={!!error}
      helperText={h?.children}
      disabled={props.disabled}
      multiline={props.multiline}
      minRows={props.minRows}
      placeholder={props.placeholder}
      type={props.type}
      data-testid={testId}
      slotProps={{
        htmlInput: { name: props.path, inputMode: props.inputMode, 'data-autofocus': props.autoFocus || undefined },
        formHelperText: h?.testId ? ({ 'data-testid': h.testId } as object) : undefined,
        input: props.endAdornment ? { endAdornment: props.endAdornment } : undefined,
        inputLabel: props.placeholder ? { shrink: true } : undefined,
      }}
    />
  );
}

/** A whole number typed as text (kept as typed; the form converts and checks it on save). */
export function IntegerInput(props: BaseProps & { endAdornment?: ReactNode; placeholder?: string }) {
  return <TextInput {...props} inputMode="numeric" />;
}

/** A calendar date (YYYY-MM-DD) with the browser's date picker; empty means "not set". */
export function DateInput(props: BaseProps & { min?: string; max?: string }) {
  const { value, error, set } = useField<string | null | undefined>(props.path);
  const testId = tid(props);
  const h = helper(error, props.helperText, testId);
  return (
    <TextField
      type="date"
      label={props.label}
      value={value ?? ''}
      onChange={(e) => set(e.target.value)}
      required={props.required}
      error={!!error}
      helperText={h?.children}
      disabled={props.disabled}
      data-testid={testId}
      slotProps={{
        htmlInput: { name: props.path, min: props.min, max: props.max, 'data-autofocus': props.autoFocus || undefined },
        formHelperText: h?.testId ? ({ 'data-testid': h.testId } as object) : undefined,
        inputLabel: { shrink: true },
      }}
    />
  );
}

export interface SelectOption {
  value: string;
  label: string;
  hint?: string;
}

/** A fixed list; `onValueChange` replaces the default setter (e.g. to reshape a sibling object). */
export function SelectInput(props: BaseProps & { options: SelectOption[]; onValueChange?: (v: string) => void }) {
  const { value, error, set } = useField<string>(props.path);
  const testId = tid(props);
  const h = helper(error, props.helperText, testId);
  return (
    <TextField
      select
      label={props.label}
      value={value ?? ''}
      onChange={(e) => (props.onValueChange ? props.onValueChange(e.target.value) : set(e.target.value))}
      required={props.required}
      error={!!error}
      helperText={h?.children}
      disabled={props.disabled}
      data-testid={testId}
      slotProps={{
        htmlInput: { name: props.path, 'data-autofocus': props.autoFocus || undefined },
        formHelperText: h?.testId ? ({ 'data-testid': h.testId } as object) : undefined,
      }}
    >
      {props.options.map((o) => (
        <MenuItem key={o.value} value={o.value} data-testid={`${testId}-option-${o.value}`}>
          {o.label}
          {o.hint && (
            <Box component="span" sx={{ ml: 1, color: 'text.secondary', fontSize: '0.85em' }}>
              {o.hint}
            </Box>
          )}
        </MenuItem>
      ))}
    </TextField>
  );
}

export function SwitchInput(props: BaseProps) {
  const { value, error, set } = useField<boolean>(props.path);
  const testId = tid(props);
  return (
    <Box>
      <FormControlLabel
        control={<Switch checked={!!value} onChange={(e) => set(e.target.checked)} disabled={props.disabled} slotProps={{ input: { name: props.path } }} />}
        label={props.label}
        data-testid={testId}
      />
      {(error || props.helperText) && (
        <FormHelperText error={!!error} data-testid={error ? `${testId}-error` : undefined} sx={{ mt: -0.5 }}>
          {error ?? props.helperText}
        </FormHelperText>
      )}
    </Box>
  );
}

/** A searchable picker over coded options (countries, currencies, customers…), storing the code. */
export function CodePicker(props: BaseProps & { options: CodeOption[]; renderCode?: boolean; placeholder?: string; nullable?: boolean }) {
  const { value, error, set } = useField<string | null>(props.path);
  const testId = tid(props);
  const h = helper(error, props.helperText, testId);
  const selected = props.options.find((o) => o.code === value) ?? null;
  const label = (o: CodeOption) => (props.renderCode === false ? o.name : `${o.code} — ${o.name}`);
  return (
    <Autocomplete<CodeOption, false, boolean, false>
      options={props.options}
      value={selected}
      onChange={(_e, o) => set(o ? o.code : props.nullable ? null : '')}
      getOptionLabel={label}
      isOptionEqualToValue={(a, b) => a.code === b.code}
      filterOptions={(opts, state) => filterCodeOptions(opts, state.inputValue)}
      autoHighlight
      autoSelect
      disableClearable={!!props.required}
      disabled={props.disabled}
      data-testid={testId}
      renderOption={(liProps, o) => {
        const { key, ...rest } = liProps as typeof liProps & { key: string };
        return (
          <li key={key} {...rest} data-testid={`${testId}-option-${o.code}`}>
            {props.renderCode === false ? (
              o.name
            ) : (
              <>
                <Box component="span" sx={{ fontWeight: 600, minWidth: 34, display: 'inline-block' }}>
                  {o.code}
                </Box>
                <Box component="span" sx={{ color: 'text.secondary' }}>
                  {o.name}
                </Box>
              </>
            )}
          </li>
        );
      }}
      renderInput={(params) => (
        <TextField
          {...params}
          label={props.label}
          required={props.required}
          error={!!error}
          helperText={h?.children}
          placeholder={props.placeholder}
          slotProps={{
            ...params.slotProps,
            htmlInput: { ...params.slotProps.htmlInput, name: props.path, 'data-autofocus': props.autoFocus || undefined },
            formHelperText: h?.testId ? ({ 'data-testid': h.testId } as object) : undefined,
          }}
        />
      )}
    />
  );
}

export const CountryPicker = (props: BaseProps) => <CodePicker {...props} options={countryOptions()} />;
export const CurrencyPicker = (props: BaseProps) => <CodePicker {...props} options={currencyOptions()} />;

/** Free-text chips (tags): Enter or comma adds one; text typed and left is added too, so nothing is lost. */
export function ChipsInput(props: BaseProps & { placeholder?: string }) {
  const { value, error, set } = useField<string[]>(props.path);
  const [input, setInput] = useState('');
  const testId = tid(props);
  const h = helper(error, props.helperText, testId);
  const tags = value ?? [];
  const add = (raw: string[]) => {
    const next = [...tags];
    for (const t of raw.map((s) => s.trim()).filter(Boolean)) if (!next.includes(t)) next.push(t);
    set(next);
  };
  return (
    <Autocomplete
      multiple
      freeSolo
      options={[] as string[]}
      value={tags}
      inputValue={input}
      onInputChange={(_e, v, reason) => {
        if (reason === 'input' && v.includes(',')) {
          add(v.split(','));
          setInput('');
        } else setInput(v);
      }}
      onChange={(_e, v) => set(Array.from(new Set(v.map((s) => s.trim()).filter(Boolean))))}
      onBlur={() => {
        if (input.trim()) {
          add([input]);
          setInput('');
        }
      }}
      disabled={props.disabled}
      data-testid={testId}
      renderValue={(vals, getItemProps) =>
        vals.map((t, index) => {
          const { key, ...itemProps } = getItemProps({ index });
          return <Chip key={key} {...itemProps} label={t} size="small" data-testid={`${testId}-chip-${t}`} />;
        })
      }
      renderInput={(params) => (
        <TextField
          {...params}
          label={props.label}
          error={!!error}
          helperText={h?.children}
          placeholder={tags.length === 0 ? props.placeholder : undefined}
          slotProps={{
            ...params.slotProps,
            htmlInput: { ...params.slotProps.htmlInput, name: props.path },
            formHelperText: h?.testId ? ({ 'data-testid': h.testId } as object) : undefined,
          }}
        />
      )}
    />
  );
}
