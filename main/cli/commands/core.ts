import { flagString } from '../../platform/args';
import { seedCatalog, seedCustomers, seedSubscriptions } from '../../services/seed';
import type { CliCommand } from '../index';

export const coreCommands: CliCommand[] = [
  {
    name: 'seed',
    usage: 'seed --data DIR [--customers N] [--seed S] [--no-subscriptions]',
    summary: 'Create a realistic demo dataset (catalog, plans, customers and their subscriptions)',
    async run(ctx) {
      const backend = await ctx.open();
      const n = Number(flagString(ctx.args.flags, 'customers') ?? '50');
      if (!Number.isInteger(n) || n < 0) throw new Error('--customers must be a whole number');
      const catalog = await seedCatalog(backend);
      const t0 = Date.now();
      await seedCustomers(backend, n, Number(flagString(ctx.args.flags, 'seed') ?? '42'), (done) => process.stderr.write(`  ${done}/${n} customers\r`));
      const subs = ctx.args.flags['no-subscriptions'] ? 0 : await seedSubscriptions(backend, ctx.clock.now().toISOString().slice(0, 10));
      ctx.out(`Seeded ${catalog.products} products, ${catalog.plans} new plans, ${n} customers and ${subs} subscriptions into ${ctx.dataDir} in ${Date.now() - t0} ms`);
    },
  },
  {
    name: 'info',
    usage: 'info --data DIR',
    summary: 'Show version, schema version, data folder and counts',
    async run(ctx) {
      const backend = await ctx.open();
      const info = await backend.call('system.info', {});
      const customers = await backend.call('customers.list', { status: 'all', limit: 1 });
      const products = await backend.call('products.list', { limit: 1 });
      const plans = await backend.call('plans.list', { limit: 1 });
      ctx.out(JSON.stringify({ ...info, customers: customers.total, products: products.total, plans: plans.total }, null, 2));
    },
  },
  {
    name: 'customers list',
    usage: 'customers list --data DIR [--search TEXT] [--json]',
    summary: 'List customers',
    async run(ctx) {
      const backend = await ctx.open();
      const page = await backend.call('customers.list', { search: flagString(ctx.args.flags, 'search'), limit: 10000, status: 'all' });
      if (ctx.args.flags.json) return void ctx.out(JSON.stringify(page.items, null, 2));
      for (const c of page.items) ctx.out(`${c.number.padEnd(14)} ${c.name.padEnd(44)} ${c.country} ${c.currency} ${c.status}`);
      ctx.out(`${page.total} customers`);
    },
  },
  {
    name: 'call',
    usage: 'call OPERATION [JSON] --data DIR',
    summary: 'Invoke any operation of the table with a JSON input (stdin when omitted)',
    async run(ctx) {
      const [op, json] = ctx.args.positional;
      if (!op) throw new Error('call: name an operation, e.g. customers.list');
      const { readStdin } = await import('../index');
      const input = JSON.parse(json ?? ((await readStdin()) || '{}'));
      const backend = await ctx.open();
      const r = await backend.invoke(op, input);
      ctx.out(JSON.stringify(r.ok ? r.data : { error: r.error }, null, 2));
      return r.ok ? 0 : 1;
    },
  },
];
