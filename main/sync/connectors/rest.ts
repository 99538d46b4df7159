/**
 * Generic REST/JSON connector: one POST per event (or one POST of an array per batch), an Idempotency-Key
 * header per event, bearer / basic / HMAC-SHA256 authentication, configurable field mapping per aggregate
 * type, and a timeout per request (AbortController).
 *
 * Result mapping: 2xx → ack (id/number read from the JSON answer); 408, 409, 425, 429, 5xx, network errors and
 * timeouts → retry (Retry-After / Retry-After-Ms honoured); any other 4xx → reject with the server's message.
 */
import { createHash, createHmac } from 'node:crypto';
import type { OutboxRow } from '../../db/entities';
import { ack, parseRetryAfter, reject, retry, type Connector, type PulledRecord, type PullEntity, type PushResult } from '../connector';

export type RestAuth =
  | { type: 'none' }
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string }
  /**
   * HMAC-SHA256 over the exact request body bytes, hex, sent as `${prefix}${hex}` in `header`.
   * With `timestampHeader`, the signed text is `${timestamp}.${body}` and the timestamp (ms) is sent in that header.
   */
  | { type: 'hmac'; secret: string; header?: string; prefix?: string; timestampHeader?: string };

export interface RestEntityMapping {
  /** Path under baseUrl; `{aggregateId}` and `{seq}` are replaced. */
  path: string;
  method?: 'POST' | 'PUT' | 'PATCH';
  /** Source field (dot path in the payload) → target field (dot path). When given, only these fields are sent. */
  fields?: Record<string, string>;
  /** With `fields`: also send payload fields that are not mapped, under their own names. */
  includeUnmapped?: boolean;
}

export interface RestConnectorOptions {
  name?: string;
  baseUrl: string;
  auth?: RestAuth;
  /** Per aggregate type, e.g. { customer: { path: '/customers', fields: { name: 'companyName', vatId: 'taxId' } } }. */
  entities: Record<string, RestEntityMapping>;
  /**
   * Body = { idempotencyKey, eventType, aggregateType, aggregateId, sequence, occurredAt, data } (default),
   * or just the mapped data when false (single mode only).
   */
  envelope?: boolean;
  /** Batch endpoint: POST an array of envelopes; the answer is an array (or { results: [...] }) of per-item results. */
  batch?: { path: string; maxItems: number };
  /** Parallel requests in single mode (one event per aggregate per batch, so order is kept). Default 8. */
  concurrency?: number;
  timeoutMs?: number;
  /** GET this path to check reachability (any answer below 500 = online). Default '/'. */
  pingPath?: string;
  headers?: Record<string, string>;
  /** Fields of the JSON answer holding the remote id and number. */
  idField?: string;
  numberField?: string;
  /** Master-data pull: GET `${baseUrl}${path}?since=ISO` per entity; the answer is an array or { items: [...] }. */
  pull?: RestPullOptions;
  fetch?: typeof fetch;
}

export interface RestPullOptions {
  /** Per entity path. Default { product: '/products', customer: '/accounts' }. */
  paths?: Partial<Record<PullEntity, string>>;
  /**
   * Per entity field mapping, Cadence field → remote field (the same direction as a push mapping; it is read in
   * reverse). Default: the push mapping of the entity (entities.product / entities.customer), else none (the remote
   * uses Cadence's names).
   */
  fields?: Partial<Record<PullEntity, Record<string, string>>>;
  /** Remote field holding the id (default: idField, else 'id') and the last change (default 'updatedAt', then 'updated_at'). */
  idField?: string;
  updatedAtField?: string;
  /** Remote field holding the available stock of a product (default 'stock'). */
  stockField?: string;
}

/** Reads a remote item back into Cadence's names: the reverse of `mapFields`. */
export function unmapFields(item: unknown, fields: Record<string, string> | undefined): Record<string, unknown> {
  if (!item || typeof item !== 'object') return {};
  if (!fields) return { ...(item as Record<string, unknown>) };
  const out: Record<string, unknown> = {};
  for (const [cadence, remote] of Object.entries(fields)) {
    const v = getPath(item, remote);
    if (v !== undefined) setPath(out, cadence, v);
  }
  // remote fields the mapping does not mention keep their own names (a partial mapping renames only some fields)
  const mappedRoots = new Set(Object.values(fields).map((k) => k.split('.')[0]));
  for (const [k, v] of Object.entries(item as Record<string, unknown>)) if (!mappedRoots.has(k) && !(k in out)) out[k] = v;
  return out;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}
function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = obj;
  keys.slice(0, -1).forEach((k) => {
    if (cur[k] === null || typeof cur[k] !== 'object') cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  });
  cur[keys[keys.length - 1]!] = value;
}

/** Applies a field mapping to a payload. */
export function mapFields(payload: unknown, mapping: RestEntityMapping): unknown {
  if (!mapping.fields) return payload;
  const out: Record<string, unknown> = {};
  if (mapping.includeUnmapped && payload && typeof payload === 'object') {
    const mappedRoots = new Set(Object.keys(mapping.fields).map((k) => k.split('.')[0]));
    for (const [k, v] of Object.entries(payload as Record<string, unknown>)) if (!mappedRoots.has(k)) out[k] = v;
  }
  for (const [from, to] of Object.entries(mapping.fields)) {
    const v = getPath(payload, from);
    if (v !== undefined) setPath(out, to, v);
  }
  return out;
}

/** Extracts a human message from an error answer. */
export function errorMessageOf(status: number, text: string): string {
  let msg = '';
  try {
    const j = JSON.parse(text) as Json;
    const pick = (v: unknown): string => (typeof v === 'string' ? v : v && typeof v === 'object' ? pick((v as Record<string, unknown>).message ?? (v as Record<string, unknown>).detail) : '');
    if (j && typeof j === 'object' && !Array.isArray(j)) {
      const o = j as Record<string, unknown>;
      msg = pick(o.error) || pick(o.message) || pick(o.detail) || pick(o.title) || pick(o.errors && Array.isArray(o.errors) ? o.errors[0] : undefined);
    }
  } catch {
    /* not JSON */
  }
  if (!msg) msg = text.trim().replace(/\s+/g, ' ');
  return `HTTP ${status}${msg ? `: ${msg.slice(0, 500)}` : ''}`;
}

/**
 * Worth retrying as they are: request timeout, too early, too many requests (and every 5xx). Any other 4xx — 409 (a
 * duplicate number, a version clash) included — would fail the same way again: the row is parked with the ERP's words.
 */
const RETRYABLE_STATUS = new Set([408, 425, 429]);

export class RestConnector implements Connector {
  readonly name: string;
  readonly maxBatch: number;
  private readonly base: string;
  private readonly opts: RestConnectorOptions;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;

  constructor(opts: RestConnectorOptions) {
    this.opts = opts;
    this.name = opts.name ?? 'rest';
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.fetchFn = opts.fetch ?? fetch;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.maxBatch = opts.batch ? Math.max(1, opts.batch.maxItems) : Math.max(1, opts.concurrency ?? 8);
    if (opts.auth?.type === 'hmac' && !opts.auth.secret) throw new Error('RestConnector: hmac auth needs a secret');
  }

  private envelope(row: OutboxRow, data: unknown) {
    return {
      idempotencyKey: row.idempotencyKey, eventType: row.eventType, aggregateType: row.aggregateType, aggregateId: row.aggregateId,
      sequence: row.aggregateSeq, occurredAt: row.createdAt, data,
    };
  }

  private headers(body: string, idempotencyKey: string | null): Record<string, string> {
    const h: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json', ...this.opts.headers };
    if (idempotencyKey) h['Idempotency-Key'] = idempotencyKey;
    const a = this.opts.auth;
    if (a?.type === 'bearer') h.Authorization = `Bearer ${a.token}`;
    else if (a?.type === 'basic') h.Authorization = `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`;
    else if (a?.type === 'hmac') {
      let signed = body;
      if (a.timestampHeader) {
        const ts = String(Date.now());
        h[a.timestampHeader] = ts;
        signed = `${ts}.${body}`;
      }
      h[a.header ?? 'X-Signature'] = `${a.prefix ?? 'sha256='}${createHmac('sha256', a.secret).update(signed, 'utf8').digest('hex')}`;
    }
    return h;
  }

  /** One HTTP exchange with a timeout that also covers reading the body. Throws on network errors / timeout. */
  private async request(method: string, path: string, body: string | undefined, idempotencyKey: string | null): Promise<{ status: number; text: string; headers: Headers }> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new Error(`timeout after ${this.timeoutMs} ms`)), this.timeoutMs);
    try {
      const res = await this.fetchFn(this.base + path, { method, headers: this.headers(body ?? '', idempotencyKey), body, signal: ac.signal, redirect: 'manual' });
      const text = await res.text();
      return { status: res.status, text, headers: res.headers };
    } catch (e) {
      if (ac.signal.aborted) throw new Error(`timeout after ${this.timeoutMs} ms (${method} ${path})`);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private classify(status: number, text: string, headers: Headers): PushResult {
    if (status >= 200 && status < 300) {
      let id: string | undefined;
      let num: string | undefined;
      try {
        const j = text ? (JSON.parse(text) as unknown) : null;
        const idv = getPath(j, this.opts.idField ?? 'id');
        const nv = getPath(j, this.opts.numberField ?? 'number');
        if (idv !== undefined && idv !== null) id = String(idv);
        if (nv !== undefined && nv !== null) num = String(nv);
      } catch {
        /* a 2xx without JSON is still an acknowledgement */
      }
      return ack(id, num);
    }
    const retryAfterMs = parseRetryAfter(headers.get('retry-after'), headers.get('retry-after-ms'), Date.now());
    if (status >= 500 || RETRYABLE_STATUS.has(status)) {
      return retry(errorMessageOf(status, text), retryAfterMs !== undefined ? { retryAfterMs } : {});
    }
    return reject(errorMessageOf(status, text));
  }

  async ping(): Promise<boolean> {
    try {
      const r = await this.request('GET', this.opts.pingPath ?? '/', undefined, null);
      return r.status < 500;
    } catch {
      return false;
    }
  }

  private resolve(row: OutboxRow): { mapping: RestEntityMapping; data: unknown } | { error: string } {
    const mapping = this.opts.entities[row.aggregateType];
    if (!mapping) return { error: `no REST mapping for "${row.aggregateType}" events (configure entities.${row.aggregateType} for connector ${this.name})` };
    return { mapping, data: mapFields(row.payload, mapping) };
  }

  private async pushOne(row: OutboxRow): Promise<PushResult> {
    const r = this.resolve(row);
    if ('error' in r) return reject(r.error);
    const path = r.mapping.path.replaceAll('{aggregateId}', encodeURIComponent(row.aggregateId)).replaceAll('{seq}', String(row.aggregateSeq));
    const body = JSON.stringify(this.opts.envelope === false ? r.data : this.envelope(row, r.data));
    try {
      const res = await this.request(r.mapping.method ?? 'POST', path, body, row.idempotencyKey);
      return this.classify(res.status, res.text, res.headers);
    } catch (e) {
      return retry(e instanceof Error ? transportMessage(e) : String(e), { network: true });
    }
  }

  async push(rows: OutboxRow[]): Promise<PushResult[]> {
    if (this.opts.batch) return this.pushBatch(rows);
    const results: PushResult[] = new Array(rows.length);
    let next = 0;
    const worker = async () => {
      while (next < rows.length) {
        const i = next++;
        results[i] = await this.pushOne(rows[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(rows.length, this.maxBatch) }, worker));
    return results;
  }

  private async pushBatch(rows: OutboxRow[]): Promise<PushResult[]> {
    const results: (PushResult | undefined)[] = new Array(rows.length);
    const items: { i: number; env: ReturnType<RestConnector['envelope']> }[] = [];
    rows.forEach((row, i) => {
      const r = this.resolve(row);
      if ('error' in r) results[i] = reject(r.error);
      else items.push({ i, env: this.envelope(row, r.data) });
    });
    if (items.length === 0) return results as PushResult[];
    const body = JSON.stringify(items.map((x) => x.env));
    const batchKey = `batch:${createHash('sha256').update(items.map((x) => x.env.idempotencyKey).join('\n')).digest('hex').slice(0, 32)}`;
    let res: { status: number; text: string; headers: Headers };
    try {
      res = await this.request('POST', this.opts.batch!.path, body, batchKey);
    } catch (e) {
      const r = retry(e instanceof Error ? transportMessage(e) : String(e), { network: true });
      for (const x of items) results[x.i] = r;
      return results as PushResult[];
    }
    if (res.status < 200 || res.status >= 300) {
      const whole = this.classify(res.status, res.text, res.headers);
      if (whole.kind === 'reject' && items.length > 1) {
        // The batch as a whole was refused: send the items one by one so that only the bad ones are parked.
        const single = await Promise.all(items.map((x) => this.pushOne(rows[x.i]!)));
        items.forEach((x, k) => (results[x.i] = single[k]));
      } else for (const x of items) results[x.i] = whole;
      return results as PushResult[];
    }
    let list: unknown;
    try {
      const j = JSON.parse(res.text) as unknown;
      list = Array.isArray(j) ? j : (j as { results?: unknown }).results;
    } catch {
      list = undefined;
    }
    if (!Array.isArray(list)) {
      for (const x of items) results[x.i] = retry(`batch answer without a results array (HTTP ${res.status})`);
      return results as PushResult[];
    }
    // Match by idempotencyKey when the server echoes it (duplicates and reordering are harmless), else by position.
    const byKey = new Map<string, Record<string, unknown>>();
    const keyed = list.some((e) => e && typeof e === 'object' && typeof (e as Record<string, unknown>).idempotencyKey === 'string');
    if (keyed) for (const e of list as Record<string, unknown>[]) if (e && typeof e.idempotencyKey === 'string' && !byKey.has(e.idempotencyKey)) byKey.set(e.idempotencyKey, e);
    items.forEach((x, k) => {
      const e = (keyed ? byKey.get(x.env.idempotencyKey) : (list as unknown[])[k]) as Record<string, unknown> | undefined;
      results[x.i] = e ? this.itemResult(e) : retry('no result for this event in the batch answer');
    });
    return results as PushResult[];
  }

  /** GET `${path}?since=…` for the entity and maps each item back to Cadence's names. Throws on any failure. */
  async pull(entity: PullEntity, since?: string): Promise<PulledRecord[]> {
    const cfg = this.opts.pull ?? {};
    const path = cfg.paths?.[entity] ?? (entity === 'product' ? '/products' : '/accounts');
    const url = since ? `${path}${path.includes('?') ? '&' : '?'}since=${encodeURIComponent(since)}` : path;
    let res: { status: number; text: string; headers: Headers };
    try {
      res = await this.request('GET', url, undefined, null);
    } catch (e) {
      throw new Error(`GET ${url}: ${e instanceof Error ? transportMessage(e) : String(e)}`);
    }
    if (res.status < 200 || res.status >= 300) throw new Error(`GET ${url}: ${errorMessageOf(res.status, res.text)}`);
    let body: unknown;
    try {
      body = JSON.parse(res.text) as unknown;
    } catch {
      throw new Error(`GET ${url}: the answer is not JSON`);
    }
    const items = Array.isArray(body) ? body : (body as { items?: unknown } | null)?.items;
    if (!Array.isArray(items)) throw new Error(`GET ${url}: expected an array or { items: [...] }`);
    const fields = cfg.fields?.[entity] ?? this.opts.entities[entity]?.fields;
    const idField = cfg.idField ?? this.opts.idField ?? 'id';
    const stockField = cfg.stockField ?? 'stock';
    return items.map((item, i): PulledRecord => {
      const id = getPath(item, idField);
      if (id === undefined || id === null || id === '') throw new Error(`GET ${url}: item ${i} has no "${idField}"`);
      const data = unmapFields(item, fields);
      const remoteUpdated = getPath(item, cfg.updatedAtField ?? 'updatedAt') ?? getPath(item, 'updated_at');
      for (const k of [idField, 'updatedAt', 'updated_at', cfg.updatedAtField ?? 'updatedAt', stockField]) delete data[k];
      if (data.id !== undefined) delete data.id;
      const stock = getPath(item, stockField);
      const code = entity === 'product' ? data.sku : data.number;
      return {
        externalId: String(id),
        ...(typeof code === 'string' && code ? { externalCode: code } : {}),
        updatedAt: typeof remoteUpdated === 'string' ? remoteUpdated : '',
        data,
        ...(typeof stock === 'number' || (typeof stock === 'string' && stock.trim() !== '' && Number.isFinite(Number(stock))) ? { stock: Number(stock) } : {}),
      };
    });
  }

  private itemResult(e: Record<string, unknown>): PushResult {
    const status = typeof e.status === 'number' ? e.status : e.ok === true ? 200 : e.ok === false ? 400 : 200;
    const text = JSON.stringify(e);
    const headers = new Headers();
    if (typeof e.retryAfterMs === 'number') headers.set('retry-after-ms', String(e.retryAfterMs));
    return this.classify(status, text, headers);
  }
}

function transportMessage(e: Error): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${e.message} (${cause.code})`;
  if (cause?.message) return `${e.message} (${cause.message})`;
  return e.message;
}
