/**
 * Account-level volume pricing: the pure allocation (property: the parts always sum to the account amount) and the
 * service's account quantity over a synthetic store (with and without subscription tables).
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountVolumeQuantity, volumeAccounts } from '../../../main/services/pricebooks';
import { dec } from '../../../shared/domain/money';
import { priceCharge, type ChargeModel } from '../../../shared/domain/pricing';
import { allocateAccountVolume } from '../../../shared/domain/pricing/volume';

const VOLUME: ChargeModel = { type: 'volume', tiers: [{ upTo: '10', unitPrice: '10' }, { upTo: '50', unitPrice: '8' }, { upTo: null, unitPrice: '6', flatFee: '5' }] };
const GRADUATED: ChargeModel = { type: 'graduated', tiers: [{ upTo: '10', unitPrice: '9.99', flatFee: '20' }, { upTo: null, unitPrice: '4.333' }], minimum: '50' };

describe('allocateAccountVolume', () => {
  it('selects the tier by the account total and allocates by quantity', () => {
    // 3 subscriptions of 5, 20 and 35 seats: alone they would pay 10, 8 and 8 per seat; together 60 → tier 3 at 6 + 5
    const r = allocateAccountVolume(VOLUME, [{ id: 'a', quantity: '5' }, { id: 'b', quantity: '20' }, { id: 'c', quantity: '35' }], 'EUR');
    expect(r.totalQuantity).toBe('60');
    expect(r.account).toMatchObject({ amount: '365.00', amountMinor: 36500 });
    expect(r.allocations.map((x) => [x.id, x.amount, x.preciseAmount])).toEqual([
      ['a', '30.41', '30.416666666666666666666666666666666666666666666667'],
      ['b', '121.67', '121.66666666666666666666666666666666666666666666667'],
      ['c', '212.92', '212.91666666666666666666666666666666666666666666667'],
    ]);
    expect(r.allocations.every((x) => x.effectiveUnitPrice === '6.0833333333')).toBe(true);
  });

  it('splits a zero-quantity amount (flat fee, minimum) evenly', () => {
    const r = allocateAccountVolume(GRADUATED, [{ id: 'a', quantity: '0' }, { id: 'b', quantity: '0' }, { id: 'c', quantity: '0' }], 'EUR');
    expect(r.account.amount).toBe('50.00');
    expect(r.allocations.map((x) => x.amountMinor)).toEqual([1667, 1667, 1666]);
  });

  it('refuses duplicate or negative parts', () => {
    expect(() => allocateAccountVolume(VOLUME, [{ id: 'a', quantity: '1' }, { id: 'a', quantity: '2' }], 'EUR')).toThrow(/parts.1.id/);
    expect(() => allocateAccountVolume(VOLUME, [{ id: 'a', quantity: '-1' }], 'EUR')).toThrow(/parts.0.quantity: must not be negative/);
    expect(() => allocateAccountVolume(VOLUME, [], 'EUR')).toThrow(/at least one/);
  });

  const qty = fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 999 }), fc.boolean()).map(([i, f, frac]) => (frac ? `${i}.${String(f).padStart(3, '0')}` : String(i)));
  const currency = fc.constantFrom('EUR', 'JPY', 'KWD');

  it('property: allocated parts sum exactly to the account amount, each share is the quantity share ±1 minor unit', () => {
    fc.assert(
      fc.property(fc.constantFrom(VOLUME, GRADUATED), fc.array(qty, { minLength: 1, maxLength: 12 }), currency, (model, quantities, cur) => {
        const parts = quantities.map((quantity, i) => ({ id: `s${i}`, quantity }));
        const r = allocateAccountVolume(model, parts, cur);
        const sum = r.allocations.reduce((a, x) => a + x.amountMinor, 0);
        if (sum !== r.account.amountMinor) return false;
        const total = dec(r.totalQuantity);
        if (!total.eq(quantities.reduce((a, q) => a.plus(q), dec(0)))) return false;
        if (r.account.preciseAmount !== priceCharge(model, { quantity: total, currency: cur }).preciseAmount) return false;
        return r.allocations.every((x, i) => {
          const exact = total.isZero() ? dec(r.account.amountMinor).div(parts.length) : dec(r.account.amountMinor).times(quantities[i]!).div(total);
          return dec(x.amountMinor).minus(exact).abs().lt(1);
        });
      }),
      { numRuns: 400 },
    );
  });
});

describe('accountVolumeQuantity', () => {
  /** customers: root ← child ← grandchild, and an unrelated account. */
  function store(withSubscriptions: boolean) {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE customers (id TEXT PRIMARY KEY, parent_id TEXT)`);
    db.exec(`INSERT INTO customers VALUES ('root', NULL), ('child', 'root'), ('grandchild', 'child'), ('other', NULL)`);
    if (withSubscriptions) {
      db.exec(`CREATE TABLE subscriptions (id TEXT PRIMARY KEY, customer_id TEXT, status TEXT, start_date TEXT, cancel_at TEXT)`);
      db.exec(`CREATE TABLE subscription_items (id TEXT PRIMARY KEY, subscription_id TEXT, kind TEXT, plan_id TEXT, quantity TEXT, start_date TEXT, end_date TEXT)`);
      db.exec(`CREATE TABLE subscription_changes (id TEXT PRIMARY KEY, item_id TEXT, effective_date TEXT, quantity TEXT, created_at TEXT, canceled_at TEXT)`);
      const sub = db.prepare('INSERT INTO subscriptions VALUES (?, ?, ?, ?, ?)');
      const item = db.prepare('INSERT INTO subscription_items VALUES (?, ?, ?, ?, ?, ?, ?)');
      sub.run('s-root', 'root', 'active', '2026-01-01', null);
      item.run('i1', 's-root', 'recurring', 'P', '10', null, null);
      item.run('i1u', 's-root', 'usage', 'P', '999', null, null); // usage items do not count
      sub.run('s-child', 'child', 'active', '2026-01-01', null);
      item.run('i2', 's-child', 'recurring', 'P', '15', null, null);
      item.run('i2b', 's-child', 'recurring', 'Q', '500', null, null); // another plan
      sub.run('s-grand', 'grandchild', 'active', '2026-02-01', '2026-06-01');
      item.run('i3', 's-grand', 'recurring', 'P', '7', null, null);
      sub.run('s-paused', 'child', 'paused', '2026-01-01', null);
      item.run('i4', 's-paused', 'recurring', 'P', '100', null, null);
      sub.run('s-other', 'other', 'active', '2026-01-01', null);
      item.run('i5', 's-other', 'recurring', 'P', '50', null, null);
      // a quantity change of the child's item from April on
      db.prepare('INSERT INTO subscription_changes VALUES (?, ?, ?, ?, ?, ?)').run('c1', 'i2', '2026-04-01', '25', '2026-03-01T00:00:00Z', null);
    }
    return db;
  }

  it('without subscription tables, counts only the subscription itself', () => {
    const db = store(false);
    const r = accountVolumeQuantity(db, { customerId: 'child', planId: 'P', date: '2026-03-01', scope: 'account_hierarchy', subscriptionId: 'new', quantity: '4' });
    expect(r).toEqual({ scope: 'account_hierarchy', totalQuantity: '4', parts: [{ id: 'new', quantity: '4' }], customerIds: ['child', 'grandchild', 'root'], basis: 'own' });
  });

  it('sums the active subscriptions of the plan over the account or the whole hierarchy on the date', () => {
    const db = store(true);
    const q = (customerId: string, scope: 'subscription' | 'account' | 'account_hierarchy', date: string, subscriptionId = 's-child', quantity = '15') =>
      accountVolumeQuantity(db, { customerId, planId: 'P', date, scope, subscriptionId, quantity });
    expect(q('child', 'subscription', '2026-03-01').totalQuantity).toBe('15');
    expect(q('child', 'account', '2026-03-01')).toMatchObject({ totalQuantity: '15', basis: 'subscriptions', customerIds: ['child'] });
    // hierarchy from any member: root 10 + child 15 + grandchild 7 (started Feb 1)
    expect(q('grandchild', 'account_hierarchy', '2026-03-01', 's-grand', '7').totalQuantity).toBe('32');
    expect(q('child', 'account_hierarchy', '2026-01-15').totalQuantity).toBe('25'); // grandchild not started yet
    // from April the child's item has 25 (a dated change); the grandchild is canceled from June 1
    expect(q('root', 'account_hierarchy', '2026-04-01', 's-root', '10').parts).toEqual([{ id: 's-child', quantity: '25' }, { id: 's-grand', quantity: '7' }, { id: 's-root', quantity: '10' }]);
    expect(q('root', 'account_hierarchy', '2026-06-01', 's-root', '10').totalQuantity).toBe('35');
    // the subscription being priced counts with the quantity given (a change not stored yet)
    expect(q('child', 'account_hierarchy', '2026-03-01', 's-child', '40').totalQuantity).toBe('57');
    expect(volumeAccounts(db, 'other', 'account_hierarchy')).toEqual(['other']);
  });
});
