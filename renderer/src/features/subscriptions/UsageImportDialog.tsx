/**
 * Import usage records from CSV (usage.importCsv): paste the text or choose a file; the result shows the rows read,
 * the records imported, duplicates ignored, and each bad row's error (good rows are kept).
 */
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import CircularProgress from '@mui/material/CircularProgress';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { OpOutput } from '../../../../shared/api/index';
import { invoke } from '../../api/client';
import { serverNow } from '../../app/store';
import { toast } from '../../components/toasts';
import type { Subscription } from './model';

type ImportResult = OpOutput<'usage.importCsv'>;
type Delimiter = ',' | ';' | '\t';

/** A sample header + row for the subscription's first metered item. */
export function usageCsvSample(s: Pick<Subscription, 'id' | 'items'>, now: string): string {
  const metric = s.items.find((i) => i.kind === 'usage' && i.metric)?.metric ?? 'api_calls';
  return `timestamp,subscription_id,metric,quantity,idempotency_key\n${now},${s.id},${metric},1,example-1`;
}

export function UsageImportDialog({ subscription, onClose, onImported }: { subscription: Subscription; onClose: () => void; onImported: () => void }) {
  const [csv, setCsv] = useState('');
  const [delimiter, setDelimiter] = useState<Delimiter>(',');
  const [fileName, setFileName] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const chooseFile = async (f: File | undefined) => {
    if (!f) return;
    setCsv(await f.text());
    setFileName(f.name);
    setResult(null);
  };
  const submit = async () => {
    if (!csv.trim()) {
      setError('Paste CSV text or choose a file');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const r = await invoke('usage.importCsv', { csv, delimiter });
      setResult(r);
      if (r.recorded > 0) {
        toast.success(`${r.recorded} usage record${r.recorded === 1 ? '' : 's'} imported`);
        onImported();
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const metrics = [...new Set(subscription.items.filter((i) => i.kind === 'usage' && i.metric).map((i) => i.metric))].join(', ');

  return (
    <Dialog open onClose={busy ? undefined : onClose} fullWidth maxWidth="md" aria-labelledby="usage-import-title" data-testid="usage-import-dialog">
      <DialogTitle id="usage-import-title">Import usage (CSV)</DialogTitle>
      <DialogContent>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          A header row, then one record per row: <code>timestamp</code>, <code>quantity</code>, <code>idempotency_key</code>, and either <code>subscription_item_id</code> or{' '}
          <code>metric</code> with <code>subscription_id</code> (or the customer). Metrics of this subscription: <strong>{metrics || '—'}</strong>. Rows already imported
          (same key) are skipped.
        </Typography>
        <Stack direction="row" spacing={1.5} sx={{ mb: 1.5, alignItems: 'center' }}>
          <Button component="label" variant="outlined" size="small" disabled={busy}>
            Choose file…
            <input
              hidden
              type="file"
              accept=".csv,.txt,text/csv,text/plain"
              data-testid="usage-import-file"
              onChange={(e) => {
                void chooseFile(e.target.files?.[0]);
                e.target.value = '';
              }}
            />
          </Button>
          <Typography variant="body2" color="text.secondary" sx={{ flex: 1 }} noWrap>
            {fileName ?? 'or paste below'}
          </Typography>
          <Button size="small" disabled={busy} onClick={() => setCsv(usageCsvSample(subscription, serverNow().toISOString().slice(0, 19) + 'Z'))} data-testid="usage-import-sample">
            Insert example
          </Button>
          <TextField select size="small" label="Delimiter" value={delimiter} onChange={(e) => setDelimiter(e.target.value as Delimiter)} sx={{ width: 150 }} slotProps={{ htmlInput: { 'data-testid': 'usage-import-delimiter' } }}>
            <MenuItem value=",">Comma ,</MenuItem>
            <MenuItem value=";">Semicolon ;</MenuItem>
            <MenuItem value={'\t'}>Tab</MenuItem>
          </TextField>
        </Stack>
        <TextField
          label="CSV"
          value={csv}
          onChange={(e) => {
            setCsv(e.target.value);
            setResult(null);
          }}
          multiline
          minRows={6}
          maxRows={14}
          fullWidth
          placeholder="timestamp,subscription_id,metric,quantity,idempotency_key"
          slotProps={{ htmlInput: { 'data-testid': 'usage-import-csv', spellCheck: false, style: { fontFamily: 'ui-monospace, monospace', fontSize: 13 } } }}
        />
        {error && (
          <Alert severity="error" sx={{ mt: 2 }} data-testid="usage-import-error">
            {error}
          </Alert>
        )}
        {result && (
          <Box sx={{ mt: 2 }} data-testid="usage-import-result">
            <Alert severity={result.errors.length ? 'warning' : 'success'}>
              <span data-testid="usage-import-count">
                {result.recorded} of {result.rows} row{result.rows === 1 ? '' : 's'} imported
              </span>
              {result.duplicates ? ` · ${result.duplicates} duplicate${result.duplicates === 1 ? '' : 's'} skipped` : ''}
              {result.errors.length ? ` · ${result.errors.length} row${result.errors.length === 1 ? '' : 's'} with errors` : ''}
            </Alert>
            {result.errors.length > 0 && (
              <Box component="ul" sx={{ m: 0, mt: 1, pl: 3, maxHeight: 200, overflow: 'auto' }} data-testid="usage-import-errors">
                {result.errors.map((e, i) => (
                  <Typography component="li" variant="body2" key={i}>
                    Row {e.row}: {e.message}
                  </Typography>
                ))}
              </Box>
            )}
          </Box>
        )}
      </DialogContent>
      <DialogActions sx={{ px: 3, pb: 2.25 }}>
        <Button onClick={onClose} disabled={busy} data-testid="usage-import-close">
          {result ? 'Close' : 'Cancel'}
        </Button>
        <Button variant="contained" onClick={() => void submit()} disabled={busy || !csv.trim()} startIcon={busy ? <CircularProgress size={14} color="inherit" /> : undefined} data-testid="usage-import-submit">
          Import
        </Button>
      </DialogActions>
    </Dialog>
  );
}
