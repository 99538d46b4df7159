/**
 * Recurring orders for physical goods (pure): delivery schedules and occurrences, occurrence overrides, pack size and
 * MOQ rules, order pricing at release, shipment reconciliation and invoicing deltas, stock shortage flags.
 */
export * from './schedule';
export * from './overrides';
export * from './quantity';
export * from './pricing';
export * from './shipment';
export * from './stock';

/** Statuses of a sales order, in lifecycle order. */
export const ORDER_STATUSES = ['upcoming', 'skipped', 'released', 'confirmed', 'partially_shipped', 'shipped', 'invoiced', 'canceled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Allowed status transitions (anything else is refused). */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  upcoming: ['released', 'skipped', 'canceled'],
  skipped: ['upcoming', 'canceled'],
  released: ['confirmed', 'partially_shipped', 'shipped', 'invoiced', 'canceled'],
  confirmed: ['partially_shipped', 'shipped', 'invoiced', 'canceled'],
  partially_shipped: ['partially_shipped', 'shipped', 'invoiced'],
  shipped: ['shipped', 'partially_shipped', 'invoiced'],
  invoiced: ['partially_shipped', 'shipped', 'invoiced'],
  canceled: [],
};

export const canTransition = (from: OrderStatus, to: OrderStatus): boolean => ORDER_TRANSITIONS[from].includes(to);
