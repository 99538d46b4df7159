/**
 * Quick search in the top bar: customers (name, number, email, VAT id), products (SKU, name) and plans (code, name).
 * Ctrl+K or "/" focuses it; choosing a result opens its editor.
 */
import SearchIcon from '@mui/icons-material/Search';
import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import InputAdornment from '@mui/material/InputAdornment';
import TextField from '@mui/material/TextField';
import { useEffect, useRef, useState } from 'react';
import { invoke } from '../api/client';
import { navigate } from './router';

interface Hit {
  kind: 'Customers' | 'Products' | 'Plans';
  id: string;
  title: string;
  detail: string;
  route: string[];
}

async function searchAll(q: string): Promise<Hit[]> {
  const [customers, products, plans] = await Promise.all([
    invoke('customers.list', { search: q, status: 'all', limit: 6 }),
    invoke('products.list', { search: q, limit: 4 }),
    invoke('plans.list', { search: q, limit: 4 }),
  ]);
  return [
    ...customers.items.map((c): Hit => ({ kind: 'Customers', id: c.id, title: c.name, detail: [c.number, c.email, c.status === 'archived' ? 'archived' : ''].filter(Boolean).join(' · '), route: ['customers', c.id] })),
    ...products.items.map((p): Hit => ({ kind: 'Products', id: p.id, title: p.name, detail: p.sku, route: ['catalog', 'products', p.id] })),
    ...plans.items.map((p): Hit => ({ kind: 'Plans', id: p.id, title: p.name, detail: p.code, route: ['catalog', 'plans', p.id] })),
  ];
}

export function GlobalSearch() {
  const [input, setInput] = useState('');
  const [hits, setHits] = useState<Hit[]>([]);
  const [loading, setLoading] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const q = input.trim();
    if (q.length < 2) {
      setHits([]);
      return;
    }
    let stale = false;
    setLoading(true);
    const t = setTimeout(() => {
      searchAll(q)
        .then((h) => !stale && setHits(h))
        .catch(() => !stale && setHits([]))
        .finally(() => !stale && setLoading(false));
    }, 180);
    return () => {
      stale = true;
      clearTimeout(t);
    };
  }, [input]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      const typing = target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable);
      if (((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') || (e.key === '/' && !typing)) {
        e.preventDefault();
        inputRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <Autocomplete<Hit, false, false, false>
      options={hits}
      groupBy={(h) => h.kind}
      getOptionLabel={(h) => h.title}
      filterOptions={(x) => x}
      inputValue={input}
      onInputChange={(_e, v, reason) => reason !== 'reset' && setInput(v)}
      value={null}
      onChange={(_e, h) => {
        if (!h) return;
        setInput('');
        setHits([]);
        inputRef.current?.blur();
        navigate(h.route);
      }}
      loading={loading}
      noOptionsText={input.trim().length < 2 ? 'Type at least 2 characters' : 'No matches'}
      autoHighlight
      blurOnSelect
      sx={{ width: { xs: 240, md: 400 } }}
      data-testid="global-search"
      renderOption={(props, h) => {
        const { key, ...rest } = props as typeof props & { key: string };
        return (
          <Box component="li" key={key} {...rest} sx={{ display: 'block !important' }}>
            <Box sx={{ fontWeight: 500 }}>{h.title}</Box>
            <Box sx={{ fontSize: '0.8em', color: 'text.secondary' }}>{h.detail}</Box>
          </Box>
        );
      }}
      renderInput={(params) => (
        <TextField
          {...params}
          inputRef={inputRef}
          placeholder="Search customers, products, plans"
          sx={{ '& .MuiOutlinedInput-root': { bgcolor: '#f3f4f6', '& fieldset': { borderColor: 'transparent' }, '&:hover fieldset': { borderColor: '#d1d5db' } } }}
          slotProps={{
            ...params.slotProps,
            htmlInput: { ...params.slotProps.htmlInput, 'aria-label': 'Quick search' },
            input: {
              ...params.slotProps.input,
              startAdornment: (
                <InputAdornment position="start">
                  <SearchIcon fontSize="small" />
                </InputAdornment>
              ),
              endAdornment: (
                <Box component="kbd" sx={{ fontSize: 11, color: 'text.secondary', border: '1px solid #d1d5db', borderRadius: 0.75, px: 0.5, lineHeight: '16px', mr: 0.5, bgcolor: '#fff' }}>
                  Ctrl K
                </Box>
              ),
            },
          }}
        />
      )}
    />
  );
}
