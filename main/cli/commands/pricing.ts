/**
 * Pricing commands. `quote` needs no data folder: it runs the pricing.quote handler directly (the same parsing and
 * the same handler as POST /api/pricing.quote), so it prints exactly the JSON the web API answers.
 */
import { AppError } from '../../../shared/api/errors';
import { getOp } from '../../../shared/api/index';
import { parseInput } from '../../../shared/api/op';
import { toErrorBody } from '../../services/backend';
import type { ServiceContext } from '../../services/context';
import { pricingHandlers } from '../../services/pricing';
import { flagString } from '../../platform/args';
import type { CliCommand } from '../index';

/** The pricing.quote answer for a raw JSON request text: [exit code, the JSON the web API would send]. */
export async function quoteJson(text: string): Promise<[number, unknown]> {
  let input: unknown;
  try {
    input = text.trim() === '' ? {} : JSON.parse(text);
  } catch (e) {
    return [1, { error: { code: 'BAD_REQUEST', message: `Malformed JSON body: ${(e as Error).message}` } }];
  }
  try {
    const parsed = parseInput(getOp('pricing.quote'), input) as Parameters<(typeof pricingHandlers)['pricing.quote']>[0];
    // pricing.quote is pure: it reads nothing from the context
    return [0, await pricingHandlers['pricing.quote'](parsed, {} as ServiceContext)];
  } catch (e) {
    return [1, { error: e instanceof AppError ? e.toBody() : toErrorBody(e) }];
  }
}

export const pricingCommands: CliCommand[] = [
  {
    name: 'quote',
    usage: 'quote [--pretty] < request.json',
    summary: 'Price a pricing.quote request read from stdin; prints the same JSON as POST /api/pricing.quote (no --data needed)',
    async run(ctx) {
      const { readStdin } = await import('../index');
      const [code, body] = await quoteJson(await readStdin());
      ctx.out(ctx.args.flags.pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body));
      return code;
    },
  },
  {
    name: 'pricebooks list',
    usage: 'pricebooks list --data DIR --customer ID [--history] [--json]',
    summary: "A customer's contract prices (price book versions)",
    async run(ctx) {
      const customerId = flagString(ctx.args.flags, 'customer');
      if (!customerId) throw new Error('pricebooks list: --customer ID is required');
      const backend = await ctx.open();
      const { items } = await backend.call('pricebooks.list', { customerId, includeHistory: !!ctx.args.flags.history });
      if (ctx.args.flags.json) return void ctx.out(JSON.stringify(items, null, 2));
      for (const e of items) {
        const terms = e.kind === 'discount' ? `${e.discountPercent}% off catalog` : `${e.model?.type}`;
        ctx.out(`${e.planCode.padEnd(18)} ${e.currency} ${e.kind.padEnd(12)} ${terms.padEnd(20)} ${e.validFrom} → ${(e.validTo ?? 'open').padEnd(10)} v${e.version} ${e.timing}`);
      }
      ctx.out(`${items.length} contract price${items.length === 1 ? '' : 's'}`);
    },
  },
  {
    name: 'bundles quote',
    usage: 'bundles quote BUNDLE_ID --currency CUR --data DIR',
    summary: 'A bundle in a currency: parts with list prices, discount and total',
    async run(ctx) {
      const [bundleId] = ctx.args.positional;
      const currency = flagString(ctx.args.flags, 'currency');
      if (!bundleId || !currency) throw new Error('bundles quote: give the bundle id and --currency');
      const backend = await ctx.open();
      const r = await backend.invoke('bundles.quote', { bundleId, currency });
      ctx.out(JSON.stringify(r.ok ? r.data : { error: r.error }, null, 2));
      return r.ok ? 0 : 1;
    },
  },
];
