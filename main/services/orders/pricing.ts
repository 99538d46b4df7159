/**
 * Everything an order needs to be priced: the contract price schedule of each line (pricebooks.priceScheduleFor via the
 * plan that prices the product), the order policy (shipping, volume discount), the account's period basis, the seller
 * country and the buyer's tax status. One OrderPricer lives for one operation and caches what it reads.
 */
import { AppError } from '../../../shared/api/errors';
import type { OrderPolicy } from '../../../shared/api/ops/orders';
import type { IsoDate } from '../../../shared/domain/billing/dates';
import { dec, decStr, fromMinor, ZERO, type Decimal, type RoundingMode } from '../../../shared/domain/money';
import { modelAt, priceOrder, type OccurrenceLine, type OrderPricingLine, type PricedOrder } from '../../../shared/domain/orders';
import type { TaxOptions, TaxRoundingMode } from '../../../shared/domain/tax';
import { priceScheduleFor, volumeAccounts, type PricePointRow } from '../pricebooks';
import { type Db, parseJson, productInfo, st, tableExists, type ProductInfo } from './db';

export const DEFAULT_POLICY: OrderPolicy = { horizonDays: 42, defaultLeadDays: 5, shipping: [], volumeDiscount: null };

/** The effective policy of a customer: its own row, else the default row, else the built-in default. */
export function policyFor(db: Db, customerId: string | null): OrderPolicy {
  const own = customerId ? (st(db, 'SELECT policy FROM order_policies WHERE scope = ?').get(customerId) as { policy: string } | undefined) : undefined;
  const def = st(db, `SELECT policy FROM order_policies WHERE scope = 'default'`).get() as { policy: string } | undefined;
  return { ...DEFAULT_POLICY, ...parseJson<Partial<OrderPolicy>>(def?.policy, {}), ...parseJson<Partial<OrderPolicy>>(own?.policy, {}) };
}

/** First day of the calendar month of a date: the volume discount period. */
export const periodKey = (date: IsoDate): string => date.slice(0, 7);

interface CustomerTax { id: string; country: string; vat_id: string | null; tax_status: string }

export class OrderPricer {
  private readonly products = new Map<string, ProductInfo>();
  private readonly schedules = new Map<string, PricePointRow[]>();
  private readonly plans = new Map<string, string | null>();
  private readonly customers = new Map<string, CustomerTax>();
  private readonly policies = new Map<string, OrderPolicy>();
  private readonly basis = new Map<string, Decimal>();
  private readonly planUnits = new Map<string, Decimal>();
  readonly sellerCountry: string;
  readonly taxMode: TaxRoundingMode;
  readonly taxRounding: RoundingMode;

  constructor(private readonly db: Db) {
    const country = st(db, `SELECT value FROM settings WHERE key = 'companyCountry'`).get() as { value: string } | undefined;
    this.sellerCountry = country ? (JSON.parse(country.value) as string) : 'DE';
    let mode: TaxRoundingMode = 'per_invoice';
    let rounding: RoundingMode = 'half_up';
    if (tableExists(db, 'billing_settings')) {
      for (const r of st(db, `SELECT key, value FROM billing_settings WHERE key IN ('taxRounding', 'taxRoundingMode')`).all() as { key: string; value: string }[]) {
        const v = parseJson<string>(r.value, '');
        if (r.key === 'taxRounding' && (v === 'per_invoice' || v === 'per_line')) mode = v;
        if (r.key === 'taxRoundingMode' && (v === 'half_up' || v === 'half_even')) rounding = v;
      }
    }
    this.taxMode = mode;
    this.taxRounding = rounding;
  }

  product(id: string): ProductInfo {
    let p = this.products.get(id);
    if (!p) {
      p = productInfo(this.db, id);
      if (!p) throw AppError.notFound('product', id);
      this.products.set(id, p);
    }
    return p;
  }

  policy(customerId: string): OrderPolicy {
    let p = this.policies.get(customerId);
    if (!p) this.policies.set(customerId, (p = policyFor(this.db, customerId)));
    return p;
  }

  /** The plan pricing a product in a currency: the given one, else the product's active plan with a price in it (by code). */
  planFor(productId: string, planId: string | null, currency: string): string {
    if (planId) return planId;
    const key = `${productId}|${currency}`;
    if (!this.plans.has(key)) {
      const rows = st(this.db, 'SELECT id, prices FROM plans WHERE product_id = ? AND active = 1 ORDER BY code').all(productId) as { id: string; prices: string }[];
      const hit = rows.find((r) => parseJson<{ currency: string }[]>(r.prices, []).some((p) => p.currency === currency));
      this.plans.set(key, hit?.id ?? null);
    }
    const found = this.plans.get(key);
    if (!found) throw AppError.validation('planId', `product ${this.product(productId).sku} has no active plan with a price in ${currency}: create one or name the plan`);
    return found;
  }

  schedule(customerId: string, planId: string, currency: string): PricePointRow[] {
    const key = `${customerId}|${planId}|${currency}`;
    let s = this.schedules.get(key);
    if (!s) this.schedules.set(key, (s = priceScheduleFor(this.db, { customerId, planId, currency })));
    return s;
  }

  customer(id: string): CustomerTax {
    let c = this.customers.get(id);
    if (!c) {
      c = st(this.db, 'SELECT id, country, vat_id, tax_status FROM customers WHERE id = ?').get(id) as CustomerTax | undefined;
      if (!c) throw AppError.notFound('customer', id);
      this.customers.set(id, c);
    }
    return c;
  }

  taxOptions(customerId: string, shipToCountry: string, taxDate: IsoDate): TaxOptions {
    const c = this.customer(customerId);
    return {
      sellerCountry: this.sellerCountry,
      buyer: { country: shipToCountry || c.country, vatId: c.vat_id, taxStatus: c.tax_status === 'exempt' ? 'exempt' : 'taxable' },
      taxDate,
      mode: this.taxMode,
      rounding: this.taxRounding,
    };
  }

  /**
   * The account's volume basis of the period (calendar month of `deliveryDate`) from released orders, excluding
   * `excludeOrderId`; cached and advanced by `addBasis` during a release run.
   */
  periodBasis(customerId: string, currency: string, deliveryDate: IsoDate, basis: 'quantity' | 'amount', excludeOrderId: string | null): string {
    const key = `${customerId}|${currency}|${periodKey(deliveryDate)}|${basis}`;
    let v = this.basis.get(key);
    if (v === undefined) {
      const from = `${periodKey(deliveryDate)}-01`;
      const to = `${periodKey(deliveryDate)}-31`;
      const released = `o.customer_id = ? AND o.delivery_date BETWEEN ? AND ? AND o.status NOT IN ('upcoming','skipped','canceled') AND o.id <> ?`;
      if (basis === 'amount') {
        const r = st(this.db, `SELECT SUM(o.goods_minor) AS m FROM sales_orders o WHERE ${released} AND o.currency = ?`).get(customerId, from, to, excludeOrderId ?? '', currency) as { m: number | null };
        v = fromMinor(r.m ?? 0, currency);
      } else {
        const rows = st(this.db, `SELECT l.quantity FROM sales_order_lines l JOIN sales_orders o ON o.id = l.order_id WHERE l.kind = 'product' AND ${released}`).all(customerId, from, to, excludeOrderId ?? '') as { quantity: string }[];
        v = rows.reduce((a, r) => a.plus(dec(r.quantity)), ZERO);
      }
      this.basis.set(key, v);
    }
    return decStr(v);
  }

  addBasis(customerId: string, currency: string, deliveryDate: IsoDate, basis: 'quantity' | 'amount', amount: string): void {
    const key = `${customerId}|${currency}|${periodKey(deliveryDate)}|${basis}`;
    const v = this.basis.get(key);
    if (v !== undefined) this.basis.set(key, v.plus(dec(amount)));
  }

  /**
   * Units of a plan the account (scope of the contract price) ordered in the period from released orders, for price
   * points whose volume scope is the account: the tier is then chosen by (period units + this line).
   */
  periodPlanUnits(customerIds: readonly string[], planId: string, deliveryDate: IsoDate, excludeOrderId: string | null): string {
    const key = `${customerIds.join(',')}|${planId}|${periodKey(deliveryDate)}`;
    let v = this.planUnits.get(key);
    if (v === undefined) {
      const from = `${periodKey(deliveryDate)}-01`;
      const to = `${periodKey(deliveryDate)}-31`;
      const rows = st(this.db, `SELECT l.quantity FROM sales_order_lines l JOIN sales_orders o ON o.id = l.order_id
        WHERE l.kind = 'product' AND l.plan_id = ? AND o.customer_id IN (SELECT value FROM json_each(?)) AND o.delivery_date BETWEEN ? AND ?
          AND o.status NOT IN ('upcoming','skipped','canceled') AND o.id <> ?`).all(planId, JSON.stringify(customerIds), from, to, excludeOrderId ?? '') as { quantity: string }[];
      v = rows.reduce((a, r) => a.plus(dec(r.quantity)), ZERO);
      this.planUnits.set(key, v);
    }
    return decStr(v);
  }

  addPlanUnits(customerIds: readonly string[], planId: string, deliveryDate: IsoDate, quantity: string): void {
    const key = `${customerIds.join(',')}|${planId}|${periodKey(deliveryDate)}`;
    const v = this.planUnits.get(key);
    if (v !== undefined) this.planUnits.set(key, v.plus(dec(quantity)));
  }

  /**
   * Prices one order's lines with the models in force on `priceDate`. `released` = this is the release (the period
   * basis counts it afterwards); otherwise an estimate.
   */
  price(args: {
    orderId: string | null; customerId: string; currency: string; deliveryDate: IsoDate; priceDate: IsoDate; shipToCountry: string;
    lines: readonly OccurrenceLine[]; release: boolean;
  }): { priced: PricedOrder; planIds: Map<string, string> } {
    const policy = this.policy(args.customerId);
    const planIds = new Map<string, string>();
    const lines: OrderPricingLine[] = args.lines.map((l) => {
      const product = this.product(l.productId);
      const planId = this.planFor(l.productId, l.planId, args.currency);
      planIds.set(l.key, planId);
      const sched = this.schedule(args.customerId, planId, args.currency);
      const point = modelAt(sched, args.priceDate);
      if (!point) throw AppError.validation('planId', `no price for ${product.sku} in ${args.currency} is in force on ${args.priceDate}`);
      let tierQuantity: string | undefined;
      if (point.volumeScope && point.volumeScope !== 'subscription') {
        const accounts = volumeAccounts(this.db, args.customerId, point.volumeScope);
        const before = this.periodPlanUnits(accounts, planId, args.deliveryDate, args.orderId);
        if (dec(before).gt(0)) tierQuantity = decStr(dec(before).plus(dec(l.quantity)));
      }
      return {
        key: l.key, productId: l.productId, sku: product.sku, description: l.description ?? product.name, quantity: l.quantity, model: point.model,
        taxCategory: product.tax_category, priceSource: point.source, ...(tierQuantity ? { tierQuantity } : {}),
      };
    });
    const ship = policy.shipping.find((s) => s.currency === args.currency) ?? null;
    const vd = policy.volumeDiscount;
    const priced = priceOrder({
      currency: args.currency,
      lines,
      volumeDiscount: vd,
      periodBasisBefore: vd ? this.periodBasis(args.customerId, args.currency, args.deliveryDate, vd.basis, args.orderId) : '0',
      shipping: ship ? { fee: ship.fee, freeFrom: ship.freeFrom ?? null, ...(ship.description ? { description: ship.description } : {}), ...(ship.taxCategory ? { taxCategory: ship.taxCategory } : {}) } : null,
      tax: this.taxOptions(args.customerId, args.shipToCountry, args.deliveryDate),
    });
    if (args.release) {
      if (vd) this.addBasis(args.customerId, args.currency, args.deliveryDate, vd.basis, priced.periodBasis);
      for (const l of args.lines) {
        const planId = planIds.get(l.key)!;
        const point = modelAt(this.schedule(args.customerId, planId, args.currency), args.priceDate);
        if (point?.volumeScope && point.volumeScope !== 'subscription') this.addPlanUnits(volumeAccounts(this.db, args.customerId, point.volumeScope), planId, args.deliveryDate, l.quantity);
      }
    }
    return { priced, planIds };
  }
}

