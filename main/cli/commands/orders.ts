/** CLI: recurring orders — generate upcoming orders, run the release, list orders. */
import { formatMinor } from '../../../shared/domain/money';
import { flagString } from '../../platform/args';
import type { CliCommand } from '../index';

const BATCH = 2000;

export const orderCommands: CliCommand[] = [
  {
    name: 'orders release',
    usage: 'orders release --data DIR [--now ISO] [--customer ID] [--batch N] [--json]',
    summary: 'Release due upcoming orders (release date ≤ now) as numbered sales orders; prints a summary',
    async run(ctx) {
      const backend = await ctx.open();
      const customerId = flagString(ctx.args.flags, 'customer');
      const batch = Number(flagString(ctx.args.flags, 'batch') ?? BATCH);
      if (!Number.isInteger(batch) || batch < 1) throw new Error('--batch must be a whole number ≥ 1');
      const off = backend.events.on('orders.progress', (p) => {
        const e = p as { phase: string; done: number; total: number; released: number };
        if (e.phase === 'release' && process.stderr.isTTY) process.stderr.write(`  ${e.done}/${e.total} orders\r`);
      });
      // one transaction per batch: a crash keeps the batches already committed, never releases an order twice
      const totals = { due: 0, released: 0, failed: [] as { orderId: string; message: string }[], first: null as string | null, last: null as string | null, gross: {} as Record<string, number>, invoiceLines: 0, generated: 0, date: '' };
      const t0 = Date.now();
      for (let first = true; ; first = false) {
        const r = await backend.call('orders.release', { ...(customerId ? { customerId } : {}), limit: batch, generate: first });
        if (first) { totals.due = r.due; totals.generated = r.generated; totals.date = r.date; }
        totals.released += r.released;
        for (const f of r.failed) if (!totals.failed.some((x) => x.orderId === f.orderId)) totals.failed.push(f);
        totals.first ??= r.firstNumber;
        totals.last = r.lastNumber ?? totals.last;
        totals.invoiceLines += r.invoiceLines;
        for (const [c, v] of Object.entries(r.grossByCurrency)) totals.gross[c] = (totals.gross[c] ?? 0) + v;
        if (r.remaining === 0 || r.released === 0) break; // failed orders stay due: stop once a batch releases nothing
      }
      off();
      if (ctx.args.flags.json) return void ctx.out(JSON.stringify({ ...totals, ms: Date.now() - t0 }, null, 2));
      ctx.out(`Release run for ${totals.date}: ${totals.released} of ${totals.due} due orders released${totals.first ? ` (${totals.first} … ${totals.last})` : ''} in ${Date.now() - t0} ms`);
      if (totals.generated) ctx.out(`  ${totals.generated} upcoming orders generated first`);
      for (const [c, v] of Object.entries(totals.gross)) ctx.out(`  ${c} ${formatMinor(v, c)} gross`);
      if (totals.invoiceLines) ctx.out(`  ${totals.invoiceLines} invoicing lines recorded (per delivery: invoiced now; billing cycle: at the period end)`);
      for (const f of totals.failed) ctx.out(`  not released ${f.orderId}: ${f.message}`);
      return totals.failed.length ? 1 : 0;
    },
  },
  {
    name: 'orders upcoming',
    usage: 'orders upcoming --data DIR [--now ISO] [--customer ID] [--horizon DAYS]',
    summary: 'Generate and refresh upcoming orders ahead (lead-time window), flag stock shortages',
    async run(ctx) {
      const backend = await ctx.open();
      const customerId = flagString(ctx.args.flags, 'customer');
      const horizon = flagString(ctx.args.flags, 'horizon');
      const r = await backend.call('orders.upcoming', { ...(customerId ? { customerId } : {}), ...(horizon ? { horizonDays: Number(horizon) } : {}) });
      ctx.out(`Upcoming orders on ${r.date}: ${r.generated} generated, ${r.refreshed} refreshed, ${r.upcoming} upcoming from ${r.schedules} schedules; ${r.shortLines} lines short in stock`);
      for (const p of r.problems) ctx.out(`  ${p.scheduleId}: ${p.message}`);
    },
  },
  {
    name: 'orders list',
    usage: 'orders list --data DIR [--status S] [--customer ID] [--json]',
    summary: 'List orders (upcoming, released, confirmed, shipped, invoiced …)',
    async run(ctx) {
      const backend = await ctx.open();
      const status = flagString(ctx.args.flags, 'status');
      const customerId = flagString(ctx.args.flags, 'customer');
      const page = await backend.call('orders.list', { ...(status ? { status: status as never } : {}), ...(customerId ? { customerId } : {}), limit: 10000 });
      if (ctx.args.flags.json) return void ctx.out(JSON.stringify(page.items, null, 2));
      for (const o of page.items) {
        ctx.out(`${(o.number ?? '(upcoming)').padEnd(16)} ${o.deliveryDate} ${o.status.padEnd(17)} ${o.customerName.slice(0, 30).padEnd(30)} ${o.currency} ${formatMinor(o.grossMinor, o.currency).padStart(12)}${o.estimated ? ' est.' : ''}${o.stockShort ? ' SHORT' : ''}`);
      }
      ctx.out(`${page.total} orders`);
    },
  },
];
