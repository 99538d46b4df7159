/**
 * Connector settings: none, Tryton (URL, database, username, password) or REST (base URL, authentication, batch path).
 * The secret is write-only: it is stored encrypted and never shown again; an empty field keeps the stored one.
 */
import LockIcon from '@mui/icons-material/LockOutlined';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import InputAdornment from '@mui/material/InputAdornment';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useEffect } from 'react';
import { ApiError, invoke } from '../../api/client';
import { SelectInput, TextInput } from '../../components/fields';
import { FormProvider, type FormApi, useForm } from '../../components/form';
import { FormBanner } from '../../components/FormBanner';
import { FormSection } from '../../components/FormDrawer';
import { SectionCard } from '../../components/SectionCard';
import { StatusChip } from '../../components/StatusChip';
import { toast } from '../../components/toasts';
import { useSave } from '../../components/useSave';
import { AUTH_OPTIONS, checkConnector, CONNECTOR_OPTIONS, type ConnectorValues, connectorValuesOf, formPathOf, secretLabel, type SyncConfig, toConfigureInput } from './model';

const grid2 = { display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', columnGap: 2, rowGap: 2 } as const;
const full = { gridColumn: '1 / -1' } as const;

/** Renames API field paths (milliseconds) to the form's (seconds) so errors show on the right field. */
function remapError(e: unknown): unknown {
  if (!(e instanceof ApiError) || !e.body.details?.fields) return e;
  return new ApiError({ ...e.body, details: { ...e.body.details, fields: e.body.details.fields.map((f) => ({ ...f, path: formPathOf(f.path) })) } });
}

export function ConnectorPanel({ config, onSaved }: { config: SyncConfig | null; onSaved: (c: SyncConfig) => void }) {
  const form = useForm<ConnectorValues>(connectorValuesOf(config ?? { connector: 'none', offlineRecheckMs: 30000, workOffline: false, hasSecret: false }));
  const save = useSave(form as FormApi<unknown>, 'connector settings');
  const { reset } = form;
  useEffect(() => {
    if (config) reset(connectorValuesOf(config));
  }, [config, reset]);

  const v = form.values;
  const secret = secretLabel(v);
  const sameConnector = config?.connector === v.connector;
  const stored = !!config?.hasSecret && sameConnector;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!config) return;
    await save.run(checkConnector(v), async () => {
      try {
        const saved = await invoke('sync.configure', toConfigureInput(v, config));
        onSaved(saved);
        toast.success(v.connector === 'none' ? 'Connector removed: changes stay in the outbox' : 'Connector settings saved: connecting…');
      } catch (err) {
        throw remapError(err);
      }
    });
  };

  return (
    <SectionCard
      title="ERP connector"
      description="Where Cadence sends customers, products, subscriptions, invoices and payments. Changes are queued in the outbox and sent in order; nothing is lost while the ERP is away."
      testId="sync-connector"
    >
      <FormProvider value={form as FormApi<unknown>}>
        <Box
          component="form"
          noValidate
          autoComplete="off"
          onSubmit={submit}
          data-testid="sync-connector-form"
          onKeyDown={(e) => {
            if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
              e.preventDefault();
              (e.currentTarget as HTMLFormElement).requestSubmit();
            }
          }}
          sx={{ maxWidth: 820 }}
        >
          <FormBanner banner={save.banner} form={form as FormApi<unknown>} testId="sync-connector-banner" />
          <FormSection title="Connector">
            <Box sx={grid2}>
              <SelectInput path="connector" label="Connector" options={CONNECTOR_OPTIONS} />
              <TextInput
                path="offlineRecheckSeconds"
                label="Re-check an offline ERP every"
                inputMode="decimal"
                endAdornment={<InputAdornment position="end">seconds</InputAdornment>}
                helperText="How soon sending resumes after the ERP comes back."
              />
            </Box>
          </FormSection>

          {v.connector === 'tryton' && (
            <FormSection title="Tryton server">
              <Box sx={grid2}>
                <Box sx={full}>
                  <TextInput path="tryton.url" label="Server URL" required placeholder="https://erp.example.com:8000" />
                </Box>
                <TextInput path="tryton.database" label="Database" required />
                <TextInput path="tryton.username" label="Username" required />
              </Box>
            </FormSection>
          )}

          {v.connector === 'rest' && (
            <FormSection title="REST endpoint">
              <Box sx={grid2}>
                <Box sx={full}>
                  <TextInput path="rest.baseUrl" label="Base URL" required placeholder="https://erp.example.com/api" helperText="Changes are POSTed to /customers, /products, /invoices … under this URL." />
                </Box>
                <SelectInput path="rest.auth" label="Authentication" options={AUTH_OPTIONS} />
                {v.rest.auth === 'basic' ? <TextInput path="rest.username" label="Username" required /> : v.rest.auth === 'hmac' ? <TextInput path="rest.hmacHeader" label="Signature header" placeholder="X-Signature" /> : <Box />}
                <TextInput path="rest.batchPath" label="Batch path" placeholder="/batch" helperText="Optional: send many changes in one request." />
                <TextInput path="rest.timeoutSeconds" label="Request timeout" inputMode="decimal" placeholder="15" endAdornment={<InputAdornment position="end">seconds</InputAdornment>} />
              </Box>
            </FormSection>
          )}

          {secret && (
            <FormSection
              title="Credentials"
              description="Stored encrypted (the operating system's keychain in the desktop app; CADENCE_SECRET_KEY in web mode) and never shown again."
              action={stored ? <StatusChip label="Secret stored" tone="green" testId="sync-has-secret" /> : <StatusChip label="No secret stored" tone="amber" testId="sync-no-secret" />}
            >
              <Box sx={grid2}>
                <TextInput
                  path="secret"
                  label={secret}
                  type="password"
                  placeholder={stored ? '•••••••• (leave empty to keep)' : undefined}
                  endAdornment={
                    <InputAdornment position="end">
                      <LockIcon fontSize="small" sx={{ color: 'text.secondary' }} />
                    </InputAdornment>
                  }
                  helperText={stored ? 'Type a new one to replace the stored secret.' : 'Write-only: it cannot be read back.'}
                />
              </Box>
            </FormSection>
          )}

          {v.connector === 'none' && (
            <Typography variant="body2" color="text.secondary" sx={{ mt: -1, mb: 1 }}>
              Without a connector Cadence works on its own: every change is kept in the outbox and sent once a connector is configured.
            </Typography>
          )}

          <Stack direction="row" spacing={1} sx={{ mt: 3 }}>
            <Button type="submit" variant="contained" disabled={save.busy || !config || (!form.dirty && !!config)} data-testid="sync-config-save">
              Save connector
            </Button>
            {form.dirty && config && <Button onClick={() => reset(connectorValuesOf(config))}>Discard changes</Button>}
          </Stack>
        </Box>
      </FormProvider>
    </SectionCard>
  );
}
