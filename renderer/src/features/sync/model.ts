/** Sync: the status store shared by the top-bar indicator and the Sync page, labels, and connector form values. */
import { create } from 'zustand';
import type { OpInput, OpOutput } from '../../../../shared/api/index';
import { invoke } from '../../api/client';
import type { FieldErrors } from '../../components/form';

export type SyncStatus = OpOutput<'sync.status'>;
export type SyncConfig = OpOutput<'sync.getConfig'>;
export type OutboxEntry = OpOutput<'sync.outbox'>[number];

interface SyncState {
  status: SyncStatus | null;
  error: string | null;
  refresh: () => Promise<void>;
  set: (s: SyncStatus) => void;
}

let seq = 0;
export const useSyncStore = create<SyncState>((set) => ({
  status: null,
  error: null,
  async refresh() {
    const mine = ++seq;
    try {
      const status = await invoke('sync.status', {});
      if (mine === seq) set({ status, error: null });
    } catch (e) {
      if (mine === seq) set({ error: (e as Error).message });
    }
  },
  set: (status) => {
    seq++;
    set({ status, error: null });
  },
}));

export type ConnectionState = 'online' | 'offline' | 'checking' | 'idle' | 'working_offline' | 'not_configured';

export interface Connection {
  state: ConnectionState;
  label: string;
  /** The dot's colour. */
  color: string;
  hint: string;
}

export function connectionOf(s: SyncStatus | null): Connection {
  if (!s) return { state: 'checking', label: 'Checking…', color: '#9ca3af', hint: 'Asking the backend for the sync status' };
  if (!s.configured) return { state: 'not_configured', label: 'Not configured', color: '#9ca3af', hint: 'No ERP connector is configured: changes are kept in the outbox' };
  if (s.workOffline) return { state: 'working_offline', label: 'Working offline', color: '#64748b', hint: 'You chose to work offline: nothing is sent until you switch back' };
  if (s.online === true) return { state: 'online', label: 'Online', color: '#22c55e', hint: 'The ERP answers; changes are sent as they happen' };
  if (s.online === false) return { state: 'offline', label: 'Offline', color: '#f59e0b', hint: 'The ERP cannot be reached; changes wait in the outbox and are sent when it is back' };
  if (s.running) return { state: 'checking', label: 'Connecting…', color: '#9ca3af', hint: 'Checking whether the ERP answers' };
  return { state: 'idle', label: 'Not connected', color: '#9ca3af', hint: 'The connector is not running: check its settings and credentials' };
}

const AGGREGATE_LABELS: Record<string, string> = {
  customer: 'Customer', product: 'Product', plan: 'Plan', price_book: 'Price book', bundle: 'Bundle', subscription: 'Subscription',
  invoice: 'Invoice', credit_note: 'Credit note', payment: 'Payment', sales_order: 'Sales order', location: 'Location',
};
export const aggregateLabel = (t: string): string => AGGREGATE_LABELS[t] ?? t.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** "customer.created" → "Created"; other verbs keep their words. */
export const eventLabel = (eventType: string): string => {
  const verb = eventType.includes('.') ? eventType.slice(eventType.indexOf('.') + 1) : eventType;
  return verb.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
};

/** A human name for an outbox row's record, from its payload: "C7QK-00012 · Acme GmbH", an invoice number, a SKU… */
export function recordLabel(row: Pick<OutboxEntry, 'aggregateId' | 'payload'>): string {
  const p = (row.payload ?? {}) as Record<string, unknown>;
  const str = (k: string) => (typeof p[k] === 'string' && p[k] ? (p[k] as string) : null);
  const ref = str('number') ?? str('sku') ?? str('code') ?? str('invoiceNumber');
  let name = str('name') ?? str('customerName');
  // a subscription: "Customer · base plan"
  const items = Array.isArray(p.items) ? (p.items as Record<string, unknown>[]) : [];
  if (!str('name') && typeof items[0]?.planName === 'string') name = [name, items[0].planName as string].filter(Boolean).join(' · ');
  const parts = [ref, name].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : row.aggregateId.slice(0, 8) + '…';
}

/* ---------- connector settings form ---------- */

export interface ConnectorValues {
  connector: 'none' | 'tryton' | 'rest';
  tryton: { url: string; database: string; username: string };
  rest: { baseUrl: string; auth: 'none' | 'bearer' | 'basic' | 'hmac'; username: string; hmacHeader: string; batchPath: string; timeoutSeconds: string };
  /** Write-only: empty keeps the stored secret. */
  secret: string;
  offlineRecheckSeconds: string;
}

export const CONNECTOR_OPTIONS = [
  { value: 'none', label: 'None', hint: 'keep changes in the outbox' },
  { value: 'tryton', label: 'Tryton', hint: 'JSON-RPC' },
  { value: 'rest', label: 'REST / JSON', hint: 'generic HTTP API' },
];
export const AUTH_OPTIONS = [
  { value: 'none', label: 'No authentication' },
  { value: 'bearer', label: 'Bearer token' },
  { value: 'basic', label: 'Basic (username and password)' },
  { value: 'hmac', label: 'HMAC-SHA256 signature' },
];

const secs = (ms: number | undefined, fallback: string) => (ms === undefined ? fallback : String(ms / 1000));

export function connectorValuesOf(c: SyncConfig): ConnectorValues {
  return {
    connector: c.connector,
    tryton: { url: c.tryton?.url ?? '', database: c.tryton?.database ?? '', username: c.tryton?.username ?? '' },
    rest: {
      baseUrl: c.rest?.baseUrl ?? '', auth: c.rest?.auth ?? 'none', username: c.rest?.username ?? '', hmacHeader: c.rest?.hmacHeader ?? '',
      batchPath: c.rest?.batchPath ?? '', timeoutSeconds: secs(c.rest?.timeoutMs, ''),
    },
    secret: '',
    offlineRecheckSeconds: secs(c.offlineRecheckMs, '30'),
  };
}

/** The label of the secret field for the chosen connector / authentication. */
export function secretLabel(v: ConnectorValues): string | null {
  if (v.connector === 'tryton') return 'Password';
  if (v.connector !== 'rest') return null;
  return { none: null, bearer: 'API token', basic: 'Password', hmac: 'HMAC secret' }[v.rest.auth];
}

const NUM = /^\d+(\.\d+)?$/;

export function checkConnector(v: ConnectorValues): FieldErrors {
  const e: FieldErrors = {};
  const url = (s: string) => /^https?:\/\/\S+$/i.test(s.trim());
  if (v.connector === 'tryton') {
    if (!url(v.tryton.url)) e['tryton.url'] = 'must be a URL such as https://erp.example.com:8000';
    if (!v.tryton.database.trim()) e['tryton.database'] = 'is required';
    if (!v.tryton.username.trim()) e['tryton.username'] = 'is required';
  }
  if (v.connector === 'rest') {
    if (!url(v.rest.baseUrl)) e['rest.baseUrl'] = 'must be a URL such as https://erp.example.com/api';
    if (v.rest.auth === 'basic' && !v.rest.username.trim()) e['rest.username'] = 'is required for basic authentication';
    if (v.rest.batchPath.trim() && !v.rest.batchPath.trim().startsWith('/')) e['rest.batchPath'] = 'must start with /';
    const t = v.rest.timeoutSeconds.trim();
    if (t && (!NUM.test(t) || Number(t) < 0.1 || Number(t) > 300)) e['rest.timeoutSeconds'] = 'must be between 0.1 and 300 seconds';
  }
  const r = v.offlineRecheckSeconds.trim();
  if (!NUM.test(r) || Number(r) < 0.2 || Number(r) > 3600) e.offlineRecheckSeconds = 'must be between 0.2 and 3600 seconds';
  return e;
}

/** The configure input: settings not on the form (entity mappings, pull, ping path…) are kept from `current`. */
export function toConfigureInput(v: ConnectorValues, current: SyncConfig): OpInput<'sync.configure'> {
  const base = {
    connector: v.connector,
    offlineRecheckMs: Math.round(Number(v.offlineRecheckSeconds.trim()) * 1000),
    workOffline: current.workOffline,
    ...(v.secret ? { secret: v.secret } : {}),
  };
  if (v.connector === 'tryton') return { ...base, tryton: { url: v.tryton.url.trim(), database: v.tryton.database.trim(), username: v.tryton.username.trim() }, rest: current.rest };
  if (v.connector === 'rest') {
    const r = v.rest;
    const prev = current.rest;
    return {
      ...base,
      tryton: current.tryton,
      rest: {
        ...(prev ?? { entities: {} }),
        baseUrl: r.baseUrl.trim().replace(/\/+$/, ''),
        auth: r.auth,
        username: r.auth === 'basic' ? r.username.trim() : undefined,
        hmacHeader: r.auth === 'hmac' && r.hmacHeader.trim() ? r.hmacHeader.trim() : undefined,
        batchPath: r.batchPath.trim() || undefined,
        timeoutMs: r.timeoutSeconds.trim() ? Math.round(Number(r.timeoutSeconds.trim()) * 1000) : undefined,
      },
    };
  }
  return { ...base, tryton: current.tryton, rest: current.rest };
}

/** An API field path → the form's (timeouts are edited in seconds). */
export const formPathOf = (path: string): string => (path === 'offlineRecheckMs' ? 'offlineRecheckSeconds' : path === 'rest.timeoutMs' ? 'rest.timeoutSeconds' : path);
