/** Billing CLI: run billing, list runs and invoices, simulate a scenario file. */
import fs from 'node:fs';
import { flagString } from '../../platform/args';
import { formatMinor } from '../../../shared/domain/money';
import type { CliCommand } from '../index';
import { simulate } from '../../services/billing/simulate';

const money = (minor: number, currency: string) => `${formatMinor(minor, currency)} ${currency}`;

export const billingCommands: CliCommand[] = [
  {
    name: 'billing run',
    usage: 'billing run --data DIR [--now ISO] [--no-finalize] [--json]',
    summary: 'Run billing as of now (or --now): generate, finalize past grace, dunning; resumes an unfinished run',
    async run(ctx) {
      const backend = await ctx.open();
      const t0 = Date.now();
      const r = await backend.call('billing.run', { wait: true, mode: 'inline', finalize: !ctx.args.flags['no-finalize'] });
      const run = r.run!;
      if (ctx.args.flags.json) return void ctx.out(JSON.stringify(run, null, 2));
      ctx.out(`Billing run ${run.id} ${run.status}${run.resumes ? ` (resumed ${run.resumes}x)` : ''} as of ${run.runAt} (billed through ${run.targetDate}) in ${Date.now() - t0} ms`);
      ctx.out(`  due ${run.totalDue}, processed ${run.processed}: billed ${run.billed}, skipped ${run.skipped}, failed ${run.failed}`);
      ctx.out(`  invoices ${run.invoicesCreated} (${run.linesCreated} lines), finalized ${run.finalized}, past due ${run.pastDue}, reminders ${run.reminders}`);
      if (run.failed) ctx.out(`  see: npm run cadence -- billing log ${run.id} --data ${ctx.dataDir} --outcome failed`);
      return run.status === 'completed' ? 0 : 1;
    },
  },
  {
    name: 'billing runs',
    usage: 'billing runs --data DIR [--json]',
    summary: 'Billing run history',
    async run(ctx) {
      const backend = await ctx.open();
      const page = await backend.call('billing.runs', { limit: 100 });
      if (ctx.args.flags.json) return void ctx.out(JSON.stringify(page.items, null, 2));
      for (const r of page.items) ctx.out(`${r.runAt}  ${r.status.padEnd(9)} ${String(r.processed).padStart(7)} processed ${String(r.invoicesCreated).padStart(7)} invoices ${String(r.finalized).padStart(7)} finalized ${String(r.failed).padStart(5)} failed  ${r.id}`);
      ctx.out(`${page.total} runs`);
    },
  },
  {
    name: 'billing log',
    usage: 'billing log RUN_ID --data DIR [--outcome billed|skipped|failed|finalized] [--json]',
    summary: 'What a billing run billed, skipped and failed, and why',
    async run(ctx) {
      const [runId] = ctx.args.positional;
      if (!runId) throw new Error('billing log: give a run id (see billing runs)');
      const backend = await ctx.open();
      const outcome = flagString(ctx.args.flags, 'outcome') as 'billed' | undefined;
      const page = await backend.call('billing.runLog', { runId, limit: 10000, ...(outcome ? { outcome } : {}) });
      if (ctx.args.flags.json) return void ctx.out(JSON.stringify(page.items, null, 2));
      for (const e of page.items) ctx.out(`${e.outcome.padEnd(9)} ${e.subscriptionId ?? ''} ${e.amountMinor !== null && e.currency ? money(e.amountMinor, e.currency) : ''}  ${e.message}`);
      ctx.out(`${page.total} entries`);
    },
  },
  {
    name: 'invoices list',
    usage: 'invoices list --data DIR [--status S] [--customer ID] [--json]',
    summary: 'List invoices and credit notes (--json: with lines and totals)',
    async run(ctx) {
      const backend = await ctx.open();
      const status = flagString(ctx.args.flags, 'status');
      const customerId = flagString(ctx.args.flags, 'customer');
      const page = await backend.call('invoices.list', { limit: 10000, sortBy: 'createdAt', ...(status ? { status: status as 'draft' } : {}), ...(customerId ? { customerId } : {}) });
      if (ctx.args.flags.json) {
        const full = [];
        for (const i of page.items) full.push(await backend.call('invoices.get', { id: i.id }));
        return void ctx.out(JSON.stringify(full, null, 2));
      }
      for (const i of page.items) {
        ctx.out(`${(i.number ?? '(draft)').padEnd(24)} ${i.kind.padEnd(11)} ${i.status.padEnd(14)} ${(i.issueDate ?? i.billingDate)} ${money(i.grossMinor, i.currency).padStart(16)}  ${i.customerName}`);
      }
      ctx.out(`${page.total} documents`);
    },
  },
  {
    name: 'subscriptions list',
    usage: 'subscriptions list --data DIR [--json]',
    summary: 'List subscriptions',
    async run(ctx) {
      const backend = await ctx.open();
      const page = await backend.call('subscriptions.list', { limit: 10000 });
      if (ctx.args.flags.json) return void ctx.out(JSON.stringify(page.items, null, 2));
      for (const s of page.items) ctx.out(`${s.id}  ${s.status.padEnd(9)} ${s.customerName.padEnd(40)} ${s.items.map((i) => `${i.planCode}×${i.quantity}`).join(', ')}  next ${s.nextBillingDate ?? '-'}`);
      ctx.out(`${page.total} subscriptions`);
    },
  },
  {
    name: 'simulate',
    usage: 'simulate FILE.json',
    summary: 'Run a billing scenario on a throw-away store and print every invoice and credit note as JSON',
    async run(ctx) {
      const [file] = ctx.args.positional;
      if (!file) throw new Error('simulate: give a scenario file (see test/fixtures/simulate-example.json)');
      const scenario = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
      const result = await simulate(scenario);
      ctx.out(JSON.stringify(result, null, 2));
    },
  },
];
