import { describe, expect, it } from 'vitest';
import {
  applyChange, applyOverrides, checkQuantity, hasOverrides, minimumValidQuantity, moveProblem, swapProblem,
  type OccurrenceOverrides, type ScheduledItem,
} from '../../../shared/domain/orders';

const items: ScheduledItem[] = [
  { itemId: 'A', productId: 'toner-black', planId: 'plan-toner', quantity: '10', description: 'Toner black' },
  { itemId: 'B', productId: 'paper-a4', planId: 'plan-paper', quantity: '5' },
];

describe('pack size and minimum order quantity', () => {
  it('rounds up to whole packs and says so', () => {
    expect(checkQuantity('13', { packSize: '12', moq: '24' }, { sku: 'TONER-85A' })).toEqual({
      quantity: '24', roundedFrom: '13', note: 'TONER-85A: 13 each rounded up to 24 each (2 packs of 12)', problem: null,
    });
    expect(checkQuantity('24', { packSize: '12', moq: '24' }, { sku: 'TONER-85A' })).toEqual({ quantity: '24', roundedFrom: null, note: null, problem: null });
    expect(checkQuantity('6', { packSize: '2.5' }, { sku: 'COFFEE', unit: 'kg' }).quantity).toBe('7.5');
  });

  it('refuses a quantity below the MOQ with a clear message', () => {
    expect(checkQuantity('5', { packSize: '12', moq: '24' }, { sku: 'TONER-85A' }).problem).toBe(
      'TONER-85A: the minimum order quantity is 24 each (2 packs of 12); 5 each (12 each after rounding to packs) requested',
    );
    expect(checkQuantity('3', { moq: '10' }, { sku: 'GLOVES', unit: 'box' }).problem).toBe('GLOVES: the minimum order quantity is 10 box; 3 box requested');
    expect(checkQuantity('-1', {}, { sku: 'X' }).problem).toBe('X: quantity must not be negative');
  });

  it('zero leaves the item out: no rounding, no MOQ', () => {
    expect(checkQuantity('0', { packSize: '12', moq: '24' }, { sku: 'T' })).toEqual({ quantity: '0', roundedFrom: null, note: null, problem: null });
  });

  it('knows the smallest valid quantity', () => {
    expect(minimumValidQuantity({ packSize: '12', moq: '30' })).toBe('36');
    expect(minimumValidQuantity({ packSize: '6' })).toBe('6');
    expect(minimumValidQuantity({ moq: '5' })).toBe('5');
    expect(minimumValidQuantity({})).toBe('1');
  });
});

describe('occurrence overrides', () => {
  it('without overrides the delivery is the schedule', () => {
    expect(applyOverrides(items, {})).toEqual([
      { key: 'A', itemId: 'A', productId: 'toner-black', planId: 'plan-toner', quantity: '10', description: 'Toner black', originalProductId: null, originalQuantity: null, oneOff: false },
      { key: 'B', itemId: 'B', productId: 'paper-a4', planId: 'plan-paper', quantity: '5', description: null, originalProductId: null, originalQuantity: null, oneOff: false },
    ]);
  });

  it('changes one quantity, swaps one product and adds a one-off item for this delivery only', () => {
    let o: OccurrenceOverrides = {};
    o = applyChange(items, o, { type: 'quantity', itemId: 'A', quantity: '4.0' });
    o = applyChange(items, o, { type: 'swap', itemId: 'B', productId: 'paper-a4-recycled', planId: 'plan-paper-r' });
    o = applyChange(items, o, { type: 'add', id: 'x1', productId: 'staples', quantity: '2' });
    expect(o).toEqual({
      items: { A: { quantity: '4' }, B: { productId: 'paper-a4-recycled', planId: 'plan-paper-r' } },
      added: [{ id: 'x1', productId: 'staples', planId: null, quantity: '2', description: null }],
    });
    const lines = applyOverrides(items, o);
    expect(lines.map((l) => [l.key, l.productId, l.quantity, l.originalProductId, l.originalQuantity, l.oneOff])).toEqual([
      ['A', 'toner-black', '4', null, '10', false],
      ['B', 'paper-a4-recycled', '5', 'paper-a4', null, false],
      ['oneoff:x1', 'staples', '2', null, null, true],
    ]);
    // the schedule items are untouched
    expect(items[0]!.quantity).toBe('10');
    // the one-off quantity can be changed; zero drops a line from this delivery
    o = applyChange(items, o, { type: 'quantity', itemId: 'oneoff:x1', quantity: '3' });
    o = applyChange(items, o, { type: 'quantity', itemId: 'A', quantity: '0' });
    expect(applyOverrides(items, o).map((l) => `${l.key}=${l.quantity}`)).toEqual(['B=5', 'oneoff:x1=3']);
  });

  it('setting the scheduled value again removes the override; reset clears everything', () => {
    let o = applyChange(items, {}, { type: 'quantity', itemId: 'A', quantity: '7' });
    o = applyChange(items, o, { type: 'quantity', itemId: 'A', quantity: '10' });
    expect(o).toEqual({});
    expect(hasOverrides(o)).toBe(false);
    o = applyChange(items, o, { type: 'swap', itemId: 'B', productId: 'other' });
    o = applyChange(items, o, { type: 'move', deliveryDate: '2026-03-19' });
    o = applyChange(items, o, { type: 'reset', itemId: 'B' });
    expect(o).toEqual({ deliveryDate: '2026-03-19' });
    expect(applyChange(items, o, { type: 'reset' })).toEqual({});
  });

  it('skip and unskip', () => {
    const o = applyChange(items, {}, { type: 'skip', reason: 'closed for holidays' });
    expect(o).toEqual({ skip: { reason: 'closed for holidays' } });
    expect(applyChange(items, o, { type: 'unskip' })).toEqual({});
  });

  it('refuses unknown items', () => {
    expect(() => applyChange(items, {}, { type: 'quantity', itemId: 'Z', quantity: '1' })).toThrow('itemId: no item Z in this delivery');
    expect(() => applyChange(items, {}, { type: 'remove_added', id: 'nope' })).toThrow('id: no one-off item nope on this delivery');
  });

  it('moves only between the neighbouring deliveries and never into the past', () => {
    const ctx = { today: '2026-03-10', previous: '2026-03-03', next: '2026-03-31' };
    expect(moveProblem('2026-03-19', ctx)).toBeNull();
    expect(moveProblem('2026-03-09', ctx)).toBe('2026-03-09 is in the past (today is 2026-03-10)');
    expect(moveProblem('2026-03-31', ctx)).toBe('must be before the next delivery (2026-03-31); skip this one instead or move the next one first');
    expect(moveProblem('2026-03-03', { ...ctx, today: '2026-03-01' })).toBe('must be after the previous delivery (2026-03-03)');
  });

  it('swaps only within one price group', () => {
    const from = { sku: 'TONER-85A', priceGroup: 'toner-85' };
    expect(swapProblem(from, { sku: 'TONER-85A-XL', priceGroup: 'toner-85', active: true, kind: 'physical' })).toBeNull();
    expect(swapProblem(from, { sku: 'PAPER', priceGroup: 'paper', active: true, kind: 'physical' })).toBe('PAPER is not in price group "toner-85" of TONER-85A (it is in "paper")');
    expect(swapProblem({ sku: 'X', priceGroup: null }, { sku: 'Y', priceGroup: null, active: true, kind: 'physical' })).toBe('X has no price group, so it cannot be swapped');
    expect(swapProblem(from, { sku: 'OLD', priceGroup: 'toner-85', active: false, kind: 'physical' })).toBe('OLD is not active');
  });
});
