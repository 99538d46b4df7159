/**
 * Effective prices: what billing uses for a customer's plan in a currency over time.
 * Foundation version: the plan's catalog price for the currency, valid forever. The pricing work (contract price
 * books, discounts, volume tiers across an account) replaces the body, keeping this signature.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../../shared/api/errors';
import type { ChargeModel } from '../../shared/api/ops/pricing';

export interface PricePointRow {
  validFrom: string; // YYYY-MM-DD
  validTo: string | null; // exclusive
  model: ChargeModel;
  /** Where the price comes from: 'catalog' or a price book entry id. */
  source: string;
}

export function priceScheduleFor(raw: BetterSqlite3.Database, args: { customerId: string; planId: string; currency: string }): PricePointRow[] {
  const plan = raw.prepare('SELECT code, prices FROM plans WHERE id = ?').get(args.planId) as { code: string; prices: string } | undefined;
  if (!plan) throw AppError.notFound('plan', args.planId);
  const prices = JSON.parse(plan.prices) as { currency: string; model: ChargeModel }[];
  const p = prices.find((x) => x.currency === args.currency);
  if (!p) throw AppError.validation('currency', `plan ${plan.code} has no price in ${args.currency} (Cadence never converts currencies silently)`);
  return [{ validFrom: '1900-01-01', validTo: null, model: p.model, source: 'catalog' }];
}
