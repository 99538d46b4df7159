/**
 * usage.* handlers. A record resolves to one metered subscription item (directly, or by subscription / customer +
 * metric on the record's day). The idempotency key is UNIQUE in usage_records and inserted with INSERT OR IGNORE,
 * so a repeated key is never counted twice — the response says it was a duplicate. Late usage (for a period the
 * run has already settled) moves the subscription's window back so the next run trues the period up.
 */
import { parse } from 'csv-parse/sync';
import { dec, decStr } from '../../../shared/domain/money';
import { AppError } from '../../../shared/api/errors';
import { UsageRecordInput } from '../../../shared/api/ops/usage';
import { zodIssuesToFields } from '../../../shared/api/op';
import { newId } from '../../platform/ids';
import { type HandlerMap, nowIso } from '../context';
import { st, type Db } from './db';
import { windowStartOf } from './window';
import { intervalChangesOf } from './state';

type UsageOps = 'usage.record' | 'usage.importCsv' | 'usage.list';

interface ResolvedItem {
  itemId: string;
  subscriptionId: string;
  customerId: string;
  metric: string;
  /** Where the item's usage stops before a period ends (its end date or the cancellation), if it does. */
  cut: string | null;
}

interface ItemLookup {
  id: string;
  subscription_id: string;
  customer_id: string;
  metric: string | null;
  kind: string;
  start_date: string | null;
  end_date: string | null;
  sub_start: string;
  cancel_at: string | null;
}

const ITEM_SQL = `SELECT i.id, i.subscription_id, s.customer_id, i.metric, i.kind, i.start_date, i.end_date, s.start_date AS sub_start, s.cancel_at
  FROM subscription_items i JOIN subscriptions s ON s.id = i.subscription_id`;

class Resolver {
  private readonly cache = new Map<string, ResolvedItem | string>();
  constructor(private readonly db: Db) {}

  resolve(r: UsageRecordInput): ResolvedItem {
    const day = r.timestamp.slice(0, 10);
    const key = `${r.subscriptionItemId ?? ''}|${r.subscriptionId ?? ''}|${r.customerId ?? ''}|${r.metric ?? ''}|${day}`;
    let hit = this.cache.get(key);
    if (hit === undefined) {
      try {
        hit = this.lookup(r, day);
      } catch (e) {
        hit = (e as Error).message;
      }
      this.cache.set(key, hit);
    }
    if (typeof hit === 'string') throw new Error(hit);
    return hit;
  }

  private lookup(r: UsageRecordInput, day: string): ResolvedItem {
    const ok = (i: ItemLookup): ResolvedItem => {
      if (i.kind !== 'usage' || !i.metric) throw new Error(`subscription item ${i.id} is not metered`);
      if (r.metric && r.metric !== i.metric) throw new Error(`subscription item ${i.id} bills metric "${i.metric}", not "${r.metric}"`);
      const cut = i.end_date !== null && i.cancel_at !== null ? (i.end_date < i.cancel_at ? i.end_date : i.cancel_at) : (i.end_date ?? i.cancel_at);
      return { itemId: i.id, subscriptionId: i.subscription_id, customerId: i.customer_id, metric: i.metric, cut };
    };
    const mismatch = (i: ItemLookup): string | null =>
      r.subscriptionId && r.subscriptionId !== i.subscription_id ? `subscription item ${i.id} belongs to subscription ${i.subscription_id}, not ${r.subscriptionId}`
        : r.customerId && r.customerId !== i.customer_id ? `subscription ${i.subscription_id} belongs to another customer than ${r.customerId}` : null;
    if (r.subscriptionItemId) {
      const i = st(this.db, `${ITEM_SQL} WHERE i.id = ?`).get(r.subscriptionItemId) as ItemLookup | undefined;
      if (!i) throw new Error(`subscription item ${r.subscriptionItemId} does not exist`);
      const m = mismatch(i);
      if (m) throw new Error(m);
      const from = i.start_date ?? i.sub_start;
      const until = [i.end_date, i.cancel_at].filter((d): d is string => !!d).sort()[0] ?? null;
      if (day < from || (until !== null && day >= until)) {
        throw new Error(`subscription item ${i.id} bills usage from ${from}${until ? ` until ${until} (exclusive)` : ''}, not on ${day}`);
      }
      return ok(i);
    }
    const rows = r.subscriptionId
      ? (st(this.db, `${ITEM_SQL} WHERE i.subscription_id = ? AND i.metric = ?`).all(r.subscriptionId, r.metric) as ItemLookup[])
      : (st(this.db, `${ITEM_SQL} WHERE s.customer_id = ? AND i.metric = ?`).all(r.customerId, r.metric) as ItemLookup[]);
    const live = rows.filter((i) => (i.start_date ?? i.sub_start) <= day && (i.end_date === null || day < i.end_date) && (i.cancel_at === null || day < i.cancel_at));
    const pick = live.length ? live : rows.length === 1 ? rows : [];
    const wrong = pick.length === 1 ? mismatch(pick[0]!) : null;
    if (wrong) throw new Error(wrong);
    if (pick.length === 0) throw new Error(`no subscription ${r.subscriptionId ? r.subscriptionId + ' ' : 'of the customer '}bills metric "${r.metric}" on ${day}`);
    if (pick.length > 1) throw new Error(`${pick.length} subscription items bill metric "${r.metric}" on ${day}; give subscriptionItemId`);
    return ok(pick[0]!);
  }
}

export interface RecordResult {
  index: number;
  idempotencyKey: string;
  id: string | null;
  status: 'recorded' | 'duplicate' | 'rejected';
  error?: string;
}

/** Stores records (in the caller's transaction). Rejected records are reported; the others are kept. */
export function recordUsage(db: Db, records: readonly (UsageRecordInput | { error: string; idempotencyKey: string })[], atIso: string, source: string): RecordResult[] {
  const resolver = new Resolver(db);
  const insert = st(db, `INSERT OR IGNORE INTO usage_records (id, idempotency_key, subscription_id, item_id, customer_id, metric, quantity, occurred_at, properties, source, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const existing = st(db, 'SELECT id FROM usage_records WHERE idempotency_key = ?');
  /** Per subscription: the earliest record day, per the cut of its item ('' for none). */
  const earliest = new Map<string, Map<string, string>>();
  const out: RecordResult[] = records.map((r, index) => {
    if ('error' in r) return { index, idempotencyKey: r.idempotencyKey, id: null, status: 'rejected', error: r.error };
    let item: ResolvedItem;
    let ts: string;
    try {
      ts = new Date(r.timestamp).toISOString();
      item = resolver.resolve({ ...r, timestamp: ts });
    } catch (e) {
      const prior = existing.get(r.idempotencyKey) as { id: string } | undefined;
      if (prior) return { index, idempotencyKey: r.idempotencyKey, id: prior.id, status: 'duplicate' };
      return { index, idempotencyKey: r.idempotencyKey, id: null, status: 'rejected', error: (e as Error).message };
    }
    const id = newId();
    const res = insert.run(id, r.idempotencyKey, item.subscriptionId, item.itemId, item.customerId, item.metric, decStr(dec(r.quantity)), ts,
      r.properties ? JSON.stringify(r.properties) : null, source, atIso);
    if (res.changes === 0) {
      const prior = existing.get(r.idempotencyKey) as { id: string };
      return { index, idempotencyKey: r.idempotencyKey, id: prior.id, status: 'duplicate' };
    }
    const day = ts.slice(0, 10);
    const bySub = earliest.get(item.subscriptionId) ?? new Map<string, string>();
    const cut = item.cut !== null && day < item.cut ? item.cut : '';
    const e = bySub.get(cut);
    if (!e || day < e) bySub.set(cut, day);
    earliest.set(item.subscriptionId, bySub);
    return { index, idempotencyKey: r.idempotencyKey, id, status: 'recorded' };
  });
  // Late usage: a period the run has already billed is reopened (bill_from), and the subscription is due again.
  const subOf = st(db, 'SELECT start_date, anchor_day, interval_months, interval_changes, bill_from FROM subscriptions WHERE id = ?');
  const reopen = st(db, `UPDATE subscriptions SET bill_from = ?, next_billing_date = CASE WHEN next_billing_date IS NULL OR next_billing_date > ? THEN ? ELSE next_billing_date END
    WHERE id = ?`);
  const today = atIso.slice(0, 10);
  for (const [subId, bySub] of earliest) {
    const s = subOf.get(subId) as { start_date: string; anchor_day: number; interval_months: number; interval_changes: string; bill_from: string };
    const open = windowStartOf({ startDate: s.start_date, anchorDay: s.anchor_day, intervalMonths: s.interval_months, intervalChanges: intervalChangesOf(s) }, s.bill_from);
    let reopenFrom: string | null = null;
    for (const [cut, day] of bySub) {
      if (day >= s.bill_from) continue;
      // billed already: a period before the open one, or a usage window cut short (cancellation, item end) that the
      // run billed on its last day; otherwise the period is not billed yet
      const billed = (open !== null && day < open) || (cut !== '' && cut <= s.bill_from);
      if (billed && (reopenFrom === null || day < reopenFrom)) reopenFrom = day;
    }
    if (reopenFrom !== null) reopen.run(reopenFrom, today, today, subId);
  }
  return out;
}

const summarize = (results: RecordResult[]) => {
  const recorded = results.filter((r) => r.status === 'recorded').length;
  const duplicates = results.filter((r) => r.status === 'duplicate').length;
  const rejected = results.filter((r) => r.status === 'rejected').length;
  return { recorded, duplicates, rejected, duplicate: duplicates > 0 && duplicates === results.length, results };
};

const CSV_FIELDS: Record<string, keyof UsageRecordInput> = {
  timestamp: 'timestamp', occurred_at: 'timestamp', quantity: 'quantity', idempotency_key: 'idempotencyKey', idempotencykey: 'idempotencyKey',
  subscription_item_id: 'subscriptionItemId', subscriptionitemid: 'subscriptionItemId', subscription_id: 'subscriptionId', subscriptionid: 'subscriptionId',
  customer_id: 'customerId', customerid: 'customerId', metric: 'metric',
};

export const usageHandlers: HandlerMap<UsageOps> = {
  async 'usage.record'(input, ctx) {
    const records = 'records' in input ? input.records : [input];
    return summarize(recordUsage(ctx.raw, records, nowIso(ctx), 'api'));
  },

  async 'usage.importCsv'(input, ctx) {
    let rows: Record<string, string>[];
    try {
      rows = parse(input.csv, { columns: (h: string[]) => h.map((x) => x.trim()), skip_empty_lines: true, trim: true, delimiter: input.delimiter, relax_column_count: true, bom: true }) as Record<string, string>[];
    } catch (e) {
      throw AppError.validation('csv', `cannot be read as CSV: ${(e as Error).message}`);
    }
    const customerByNumber = st(ctx.raw, 'SELECT id FROM customers WHERE number = ?');
    const errors: { row: number; message: string }[] = [];
    const good: { row: number; rec: UsageRecordInput }[] = [];
    rows.forEach((raw, i) => {
      const row = i + 2; // line in the file (line 1 is the header)
      const rec: Record<string, unknown> = {};
      const props: Record<string, string> = {};
      for (const [k, v] of Object.entries(raw)) {
        const f = CSV_FIELDS[k.toLowerCase()];
        if (f) { if (v !== '') rec[f] = v; } else if (k.toLowerCase() === 'customer_number' || k.toLowerCase() === 'customernumber') {
          if (v !== '') {
            const c = customerByNumber.get(v) as { id: string } | undefined;
            if (c) rec.customerId = c.id;
            else rec.customerId = '__unknown__';
            if (!c) errors.push({ row, message: `customer number ${v} does not exist` });
          }
        } else if (v !== '') props[k] = v;
      }
      if (rec.customerId === '__unknown__') return;
      if (Object.keys(props).length) rec.properties = props;
      const p = UsageRecordInput.safeParse(rec);
      if (!p.success) {
        errors.push({ row, message: zodIssuesToFields(p.error).map((f) => `${f.path}: ${f.message}`).join('; ') });
        return;
      }
      good.push({ row, rec: p.data });
    });
    const results = recordUsage(ctx.raw, good.map((g) => g.rec), nowIso(ctx), 'csv');
    for (const r of results) if (r.status === 'rejected') errors.push({ row: good[r.index]!.row, message: r.error ?? 'rejected' });
    errors.sort((a, b) => a.row - b.row);
    return { rows: rows.length, recorded: results.filter((r) => r.status === 'recorded').length, duplicates: results.filter((r) => r.status === 'duplicate').length, errors };
  },

  async 'usage.list'(input, ctx) {
    const where = ['subscription_id = ?'];
    const params: unknown[] = [input.subscriptionId];
    if (input.subscriptionItemId) { where.push('item_id = ?'); params.push(input.subscriptionItemId); }
    if (input.from) { where.push('occurred_at >= ?'); params.push(input.from); }
    if (input.to) { where.push('occurred_at < ?'); params.push(input.to); }
    const w = where.join(' AND ');
    const { n } = ctx.raw.prepare(`SELECT COUNT(*) AS n FROM usage_records WHERE ${w}`).get(...params) as { n: number };
    const rows = ctx.raw.prepare(`SELECT * FROM usage_records WHERE ${w} ORDER BY occurred_at DESC, id DESC LIMIT ? OFFSET ?`).all(...params, input.limit, input.offset) as {
      id: string; subscription_id: string; item_id: string; customer_id: string; metric: string; quantity: string; occurred_at: string; idempotency_key: string;
      properties: string | null; source: string; created_at: string;
    }[];
    return {
      items: rows.map((r) => ({
        id: r.id, subscriptionId: r.subscription_id, subscriptionItemId: r.item_id, customerId: r.customer_id, metric: r.metric, quantity: r.quantity,
        timestamp: r.occurred_at, idempotencyKey: r.idempotency_key, properties: r.properties ? (JSON.parse(r.properties) as Record<string, unknown>) : null,
        source: r.source, createdAt: r.created_at,
      })),
      total: n, offset: input.offset, limit: input.limit,
    };
  },
};
