/**
 * A loopback HTTP "ERP" for the REST connector: dedups by Idempotency-Key, checks the HMAC signature and the
 * per-aggregate order, and injects faults (dropped connections, 500, 429 + Retry-After, answers after the client's
 * timeout, acknowledgement lost after applying, duplicated acknowledgements in batch answers).
 */
import http from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface FaultRates {
  /** Connection destroyed before anything is applied. */
  dropBefore: number;
  /** HTTP 500 before applying. */
  error500: number;
  /** HTTP 429 with Retry-After: 0 and Retry-After-Ms. */
  tooMany: number;
  /** Wait `delayMs` (past the client's timeout), then apply and answer to nobody. */
  slow: number;
  /** Apply, then destroy the connection (the acknowledgement is lost). */
  dropAfter: number;
  /** Batch mode: per item HTTP 503 result. */
  itemError: number;
}
export const NO_FAULTS: FaultRates = { dropBefore: 0, error500: 0, tooMany: 0, slow: 0, dropAfter: 0, itemError: 0 };

export interface Envelope {
  idempotencyKey: string;
  eventType: string;
  aggregateType: string;
  aggregateId: string;
  sequence: number;
  occurredAt: string;
  data: Record<string, unknown> & { poison?: boolean };
}

export interface FaultServer {
  url: string;
  /** key → times applied */
  applied: Map<string, number>;
  /** keys answered with 400 */
  rejected: Set<string>;
  /** aggregate → applied sequences in order */
  order: Map<string, number[]>;
  violations: string[];
  stats: Record<string, number>;
  close(): Promise<void>;
}

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startFaultServer(opts: { faults?: Partial<FaultRates>; seed?: number; hmacSecret?: string; bearer?: string; delayMs?: number; retryAfterMs?: number }): Promise<FaultServer> {
  const f: FaultRates = { ...NO_FAULTS, ...opts.faults };
  const rnd = prng(opts.seed ?? 1);
  const applied = new Map<string, number>();
  const rejected = new Set<string>();
  const order = new Map<string, number[]>();
  const lastSeq = new Map<string, number>();
  const violations: string[] = [];
  const stats: Record<string, number> = {};
  const count = (k: string) => (stats[k] = (stats[k] ?? 0) + 1);
  const delayMs = opts.delayMs ?? 150;

  /** Applies one event exactly once; returns the item result. */
  const apply = (env: Envelope): { status: number; body: Record<string, unknown> } => {
    const key = env.idempotencyKey;
    if (applied.has(key)) {
      count('replays');
      return { status: 200, body: { idempotencyKey: key, id: `ext-${env.aggregateId}`, replay: true } };
    }
    if (env.data?.poison) {
      rejected.add(key);
      count('rejected');
      return { status: 400, body: { idempotencyKey: key, error: { message: `taxId is not valid for ${env.aggregateId}` } } };
    }
    const agg = `${env.aggregateType}:${env.aggregateId}`;
    const prev = lastSeq.get(agg) ?? 0;
    if (env.sequence !== prev + 1) violations.push(`${agg}: got seq ${env.sequence} after ${prev}`);
    lastSeq.set(agg, env.sequence);
    order.set(agg, [...(order.get(agg) ?? []), env.sequence]);
    applied.set(key, 1);
    count('applied');
    return { status: 201, body: { idempotencyKey: key, id: `ext-${env.aggregateId}`, number: `N-${env.aggregateId}-${env.sequence}` } };
  };

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    if (req.method === 'GET') return send(res, 200, { ok: true });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (opts.hmacSecret) {
        const want = Buffer.from(`sha256=${createHmac('sha256', opts.hmacSecret).update(raw).digest('hex')}`);
        const got = Buffer.from(String(req.headers['x-signature'] ?? ''));
        if (got.length !== want.length || !timingSafeEqual(got, want)) return send(res, 401, { error: 'bad signature' });
      }
      if (opts.bearer && req.headers.authorization !== `Bearer ${opts.bearer}`) return send(res, 401, { error: 'bad token' });
      const body = JSON.parse(raw.toString('utf8')) as Envelope | Envelope[];
      const batch = Array.isArray(body);
      if (!batch && req.headers['idempotency-key'] !== body.idempotencyKey) return send(res, 400, { error: 'Idempotency-Key header does not match the body' });

      const r = rnd();
      let edge = f.dropBefore;
      if (r < edge) { count('dropBefore'); req.socket.destroy(); return; }
      if (r < (edge += f.error500)) { count('error500'); return send(res, 500, { error: 'internal error' }); }
      if (r < (edge += f.tooMany)) { count('tooMany'); return send(res, 429, { error: 'slow down' }, { 'Retry-After': '0', 'Retry-After-Ms': String(opts.retryAfterMs ?? 15) }); }
      const slow = r < (edge += f.slow);
      const dropAfter = !slow && r < (edge += f.dropAfter);

      const run = () => {
        if (!batch) {
          const out = apply(body);
          if (dropAfter) { count('dropAfter'); req.socket.destroy(); return; }
          return send(res, out.status, out.body);
        }
        const results: Record<string, unknown>[] = [];
        for (const env of body) {
          if (f.itemError && rnd() < f.itemError) { count('itemError'); results.push({ idempotencyKey: env.idempotencyKey, status: 503, error: 'busy' }); continue; }
          const out = apply(env);
          results.push({ status: out.status, ...out.body });
        }
        // duplicated acknowledgements and a shuffled answer: the client must match by key
        const dup = results.filter((x) => x.status === 201 && rnd() < 0.2).map((x) => ({ ...x, status: 200, duplicate: true }));
        if (dup.length) count('dupAcks');
        const all = [...results, ...dup].sort(() => rnd() - 0.5);
        if (dropAfter) { count('dropAfter'); req.socket.destroy(); return; }
        return send(res, 200, { results: all });
      };
      if (slow) { count('slow'); setTimeout(run, delayMs); } else run();
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`, applied, rejected, order, violations, stats,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
