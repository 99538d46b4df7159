/**
 * Recurring orders for physical goods: delivery schedules, upcoming orders (editable occurrences), the release run,
 * fulfilment feedback, stock and product order attributes, order policies (shipping, volume discount).
 * The domain rules live in shared/domain/orders.
 */
import { z } from 'zod';
import { CurrencyCode, DecimalString, Id, IsoDate, IsoDateTime, NonNegDecimalString, pageOf, SortDir } from '../common';
import { op } from '../op';

export const OrderStatus = z.enum(['upcoming', 'skipped', 'released', 'confirmed', 'partially_shipped', 'shipped', 'invoiced', 'canceled']);
export const InvoicingMode = z.enum(['per_delivery', 'billing_cycle', 'on_shipment']);
export const InvoiceStatus = z.enum(['none', 'partial', 'invoiced']);
export const DeliveryUnit = z.enum(['day', 'week', 'month']);
export const ScheduleStatus = z.enum(['active', 'paused', 'ended']);
export const LineFulfilment = z.enum(['pending', 'full', 'partial', 'backordered', 'substituted', 'not_shipped']);

// ------------------------------------------------------------------------------------------ schedules

export const DeliveryPattern = z.object({
  unit: DeliveryUnit,
  every: z.number().int().min(1).max(366).default(1),
  /** First delivery: the first matching date on or after it. */
  anchorDate: IsoDate,
  /** Weekly: ISO weekday 1 (Mon) … 7 (Sun). */
  weekday: z.number().int().min(1).max(7).nullish(),
  /** Monthly: day 1..31 (clamped to the month end). */
  dayOfMonth: z.number().int().min(1).max(31).nullish(),
  /** Cut-off: the order is released this many days before the delivery. Default: the order policy's (5). */
  leadDays: z.number().int().min(0).max(90).optional(),
  /** Exclusive end. */
  endDate: IsoDate.nullish(),
});

export const ScheduleItemInput = z.object({
  productId: Id,
  /** The plan whose (contract) price applies; default: the product's active plan with a price in the currency. */
  planId: Id.nullish(),
  quantity: NonNegDecimalString,
  description: z.string().trim().max(500).nullish(),
  /** Links the line to a billing subscription item (its quantity then follows the subscription). */
  subscriptionItemId: Id.nullish(),
});

export const ScheduleCreateInput = z.object({
  customerId: Id,
  /** Default: the customer's default ship-to location. */
  locationId: Id.optional(),
  currency: CurrencyCode.optional(),
  name: z.string().trim().max(200).default(''),
  subscriptionId: Id.nullish(),
  subscriptionItemId: Id.nullish(),
  pattern: DeliveryPattern,
  invoicingMode: InvoicingMode.default('per_delivery'),
  items: z.array(ScheduleItemInput).min(1, 'at least one item is required').max(200),
  poNumber: z.string().trim().max(100).nullish(),
  notes: z.string().max(5000).default(''),
});

export const ScheduleItem = z.object({
  id: Id,
  productId: Id,
  sku: z.string(),
  productName: z.string(),
  unit: z.string(),
  planId: Id.nullable(),
  quantity: z.string(),
  description: z.string().nullable(),
  subscriptionItemId: Id.nullable(),
});

export const Schedule = z.object({
  id: Id,
  customerId: Id,
  subscriptionId: Id.nullable(),
  subscriptionItemId: Id.nullable(),
  locationId: Id,
  locationName: z.string(),
  name: z.string(),
  currency: z.string(),
  unit: DeliveryUnit,
  every: z.number().int(),
  anchorDate: IsoDate,
  weekday: z.number().int().nullable(),
  dayOfMonth: z.number().int().nullable(),
  leadDays: z.number().int(),
  endDate: IsoDate.nullable(),
  /** e.g. "every 2 weeks on Tuesday". */
  description: z.string(),
  invoicingMode: InvoicingMode,
  status: ScheduleStatus,
  generatedThrough: IsoDate.nullable(),
  nextDelivery: IsoDate.nullable(),
  poNumber: z.string().nullable(),
  notes: z.string(),
  items: z.array(ScheduleItem),
  version: z.number().int(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Schedule = z.output<typeof Schedule>;

export const ScheduleUpdateInput = z.object({
  id: Id,
  expectedVersion: z.number().int().optional(),
  patch: z
    .object({
      locationId: Id,
      name: z.string().trim().max(200),
      pattern: DeliveryPattern,
      invoicingMode: InvoicingMode,
      status: ScheduleStatus,
      items: z.array(ScheduleItemInput.extend({ id: Id.optional() })).min(1).max(200),
      poNumber: z.string().trim().max(100).nullable(),
      notes: z.string().max(5000),
    })
    .partial(),
});

// ------------------------------------------------------------------------------------------ orders

export const OrderLine = z.object({
  id: Id,
  key: z.string(),
  kind: z.enum(['product', 'discount', 'shipping']),
  productId: Id.nullable(),
  sku: z.string().nullable(),
  description: z.string(),
  unit: z.string().nullable(),
  quantity: z.string(),
  /** Fixed at release; an estimate on upcoming orders. */
  unitPrice: z.string().nullable(),
  amountMinor: z.number().int().nullable(),
  taxCategory: z.string(),
  taxRate: z.string().nullable(),
  taxMinor: z.number().int().nullable(),
  priceSource: z.string().nullable(),
  scheduleItemId: Id.nullable(),
  /** Set when this delivery swaps the scheduled product. */
  originalProductId: Id.nullable(),
  /** Set when this delivery changes the scheduled quantity. */
  originalQuantity: z.string().nullable(),
  oneOff: z.boolean(),
  shippedQty: z.string(),
  backorderedQty: z.string(),
  substituteProductId: Id.nullable(),
  fulfilment: LineFulfilment,
  invoicedQty: z.string(),
  invoicedMinor: z.number().int(),
  stockShort: z.boolean(),
  /** Stock left for this line when it was flagged (upcoming orders). */
  availableQty: z.string().nullable(),
  suggestedSubstituteId: Id.nullable(),
  suggestedSubstituteSku: z.string().nullable(),
});
export type OrderLine = z.output<typeof OrderLine>;

const orderCore = {
  id: Id,
  /** Assigned at release (SO-…); null while upcoming. */
  number: z.string().nullable(),
  customerId: Id,
  customerNumber: z.string(),
  customerName: z.string(),
  subscriptionId: Id.nullable(),
  scheduleId: Id.nullable(),
  scheduleName: z.string().nullable(),
  locationId: Id,
  locationName: z.string(),
  /** The scheduled delivery date (null for one-off orders). */
  occurrenceDate: IsoDate.nullable(),
  deliveryDate: IsoDate,
  releaseDate: IsoDate,
  moved: z.boolean(),
  status: OrderStatus,
  invoicingMode: InvoicingMode,
  invoiceStatus: InvoiceStatus,
  currency: z.string(),
  /** Totals are an estimate (prices of the release date as known today) until the order is released. */
  estimated: z.boolean(),
  goodsMinor: z.number().int(),
  discountMinor: z.number().int(),
  discountPercent: z.string(),
  shippingMinor: z.number().int(),
  netMinor: z.number().int(),
  taxMinor: z.number().int(),
  grossMinor: z.number().int(),
  invoicedMinor: z.number().int(),
  lineCount: z.number().int(),
  /** Sum of product quantities. */
  units: z.string(),
  hasOverrides: z.boolean(),
  skipReason: z.string().nullable(),
  stockShort: z.boolean(),
  releaseError: z.string().nullable(),
  erpOrderNumber: z.string().nullable(),
  erpStatus: z.string().nullable(),
  /** upcoming or skipped: the occurrence can still be edited. */
  editable: z.boolean(),
  releasedAt: IsoDateTime.nullable(),
  version: z.number().int(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
};

export const OrderSummary = z.object(orderCore);
export type OrderSummary = z.output<typeof OrderSummary>;

export const OrderEvent = z.object({ id: Id, at: IsoDateTime, event: z.string(), source: z.string(), reference: z.string().nullable(), details: z.record(z.string(), z.unknown()) });

export const Overrides = z.object({
  skip: z.object({ reason: z.string() }).nullish(),
  deliveryDate: IsoDate.nullish(),
  items: z.record(z.string(), z.object({ quantity: z.string().optional(), productId: z.string().optional(), planId: z.string().nullish() })).optional(),
  added: z.array(z.object({ id: z.string(), productId: z.string(), planId: z.string().nullable(), quantity: z.string(), description: z.string().nullish() })).optional(),
});

export const Order = z.object({
  ...orderCore,
  lines: z.array(OrderLine),
  taxBreakdown: z.array(z.object({ category: z.string(), rate: z.string(), taxableMinor: z.number().int(), taxMinor: z.number().int() }).passthrough()),
  notes: z.array(z.string()),
  overrides: Overrides,
  shipTo: z.record(z.string(), z.unknown()).nullable(),
  events: z.array(OrderEvent),
  invoicing: z.array(z.object({
    id: Id, type: z.enum(['charge', 'credit']), reason: z.string(), description: z.string(), quantity: z.string(), unitPrice: z.string(),
    amountMinor: z.number().int(), status: z.enum(['pending', 'invoiced']), invoiceId: z.string().nullable(), createdAt: IsoDateTime,
  })),
});
export type Order = z.output<typeof Order>;

const statusFilter = z.union([OrderStatus, z.array(OrderStatus).min(1)]);

export const OrderListInput = z.object({
  status: statusFilter.optional(),
  customerId: Id.optional(),
  scheduleId: Id.optional(),
  locationId: Id.optional(),
  /** Delivery date range, inclusive. */
  from: IsoDate.optional(),
  to: IsoDate.optional(),
  /** Order number or customer name/number. */
  search: z.string().trim().max(200).optional(),
  stockShort: z.boolean().optional(),
  sortBy: z.enum(['deliveryDate', 'releaseDate', 'number', 'customer', 'status', 'gross']).default('deliveryDate'),
  sortDir: SortDir,
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(10000).default(500),
});

export const CalendarEntry = z.object({
  /** null for projected deliveries beyond the generated horizon. */
  orderId: Id.nullable(),
  number: z.string().nullable(),
  scheduleId: Id.nullable(),
  scheduleName: z.string().nullable(),
  locationName: z.string(),
  status: z.union([OrderStatus, z.literal('projected')]),
  deliveryDate: IsoDate,
  releaseDate: IsoDate,
  moved: z.boolean(),
  lineCount: z.number().int(),
  units: z.string(),
  netMinor: z.number().int(),
  grossMinor: z.number().int(),
  currency: z.string(),
  estimated: z.boolean(),
  stockShort: z.boolean(),
  hasOverrides: z.boolean(),
  editable: z.boolean(),
});

export const CalendarOutput = z.object({
  customerId: Id,
  from: IsoDate,
  to: IsoDate,
  days: z.array(z.object({ date: IsoDate, entries: z.array(CalendarEntry) })),
  schedules: z.array(z.object({ id: Id, name: z.string(), description: z.string(), locationName: z.string(), status: ScheduleStatus, invoicingMode: InvoicingMode })),
});

export const OccurrenceChangeInput = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('quantity'),
    /** The line's key (schedule item id, or `oneoff:<id>`). */
    itemKey: z.string().min(1),
    quantity: NonNegDecimalString,
    /** Also change the schedule (every later delivery), not just this one. */
    applyToSchedule: z.boolean().default(false),
  }),
  z.object({ type: z.literal('skip'), reason: z.string().max(500).default('') }),
  z.object({ type: z.literal('unskip') }),
  z.object({
    type: z.literal('swap'), itemKey: z.string().min(1), productId: Id, planId: Id.nullish(),
    applyToSchedule: z.boolean().default(false),
  }),
  z.object({ type: z.literal('add'), productId: Id, quantity: NonNegDecimalString, planId: Id.nullish(), description: z.string().trim().max(500).nullish() }),
  z.object({ type: z.literal('remove_added'), itemKey: z.string().min(1) }),
  z.object({ type: z.literal('move'), deliveryDate: IsoDate }),
  z.object({ type: z.literal('reset'), itemKey: z.string().optional() }),
]);

export const UpdateOccurrenceInput = z
  .object({
    /** The upcoming order to change … */
    orderId: Id.optional(),
    /** … or the next upcoming delivery of this schedule ("add to my next delivery"). */
    scheduleId: Id.optional(),
    expectedVersion: z.number().int().optional(),
    change: OccurrenceChangeInput,
  })
  .refine((v) => !!v.orderId !== !!v.scheduleId, { message: 'give either orderId or scheduleId', path: ['orderId'] });

export const ReleaseInput = z.object({
  customerId: Id.optional(),
  /** Release at most this many orders in this call (one transaction); the rest stays for the next call. */
  limit: z.number().int().min(1).max(1_000_000).optional(),
  /** Emit 'orders.progress' every N orders (default 100). */
  progressEvery: z.number().int().min(1).max(100_000).default(100),
  /** Generate upcoming orders up to now first (default true). */
  generate: z.boolean().default(true),
});

export const ReleaseOutput = z.object({
  runId: Id,
  /** The run's date: orders whose release date is on or before it were due. */
  date: IsoDate,
  due: z.number().int(),
  released: z.number().int(),
  failed: z.array(z.object({ orderId: Id, message: z.string() })),
  /** Still due after this call (when `limit` cut the run). */
  remaining: z.number().int(),
  firstNumber: z.string().nullable(),
  lastNumber: z.string().nullable(),
  /** Sum of released gross amounts per currency (minor units). */
  grossByCurrency: z.record(z.string(), z.number().int()),
  invoiceLines: z.number().int(),
  generated: z.number().int(),
});

/** Payload of the 'orders.progress' event a release run emits (every `progressEvery` orders, and at the end). */
export const OrderProgress = z.object({
  runId: Id,
  phase: z.enum(['generate', 'release', 'done']),
  done: z.number().int(),
  total: z.number().int(),
  released: z.number().int(),
  failed: z.number().int(),
  lastNumber: z.string().nullable(),
});
export type OrderProgress = z.output<typeof OrderProgress>;
export const ORDER_PROGRESS_EVENT = 'orders.progress';

export const UpcomingInput = z.object({
  customerId: Id.optional(),
  scheduleId: Id.optional(),
  /** How far ahead (days) upcoming orders exist. Default: the policy's horizon (42). */
  horizonDays: z.number().int().min(0).max(400).optional(),
});

export const UpcomingOutput = z.object({
  date: IsoDate,
  schedules: z.number().int(),
  generated: z.number().int(),
  refreshed: z.number().int(),
  upcoming: z.number().int(),
  shortLines: z.number().int(),
  problems: z.array(z.object({ scheduleId: Id, message: z.string() })),
});

export const ShipmentInput = z
  .object({
    orderId: Id.optional(),
    /** Alternatively the Cadence order number or the ERP's order number. */
    number: z.string().optional(),
    erpOrderNumber: z.string().optional(),
    lines: z.array(z.object({
      lineId: Id.optional(),
      /** Alternatively the ordered SKU (when unique in the order). */
      sku: z.string().optional(),
      shippedQty: NonNegDecimalString,
      backorderedQty: NonNegDecimalString.optional(),
      substituteProductId: Id.nullish(),
      substituteSku: z.string().nullish(),
    })).max(1000),
    /** Nothing more will ship: what has not shipped is short. */
    closed: z.boolean().default(false),
    mode: z.enum(['cumulative', 'increment']).default('cumulative'),
    source: z.enum(['erp', 'wms', 'rest', 'manual']).default('manual'),
    /** The shipment's id at the source: a report with a known reference is ignored (idempotent webhooks). */
    reference: z.string().max(200).optional(),
    shippedAt: IsoDateTime.optional(),
  })
  .refine((v) => !!(v.orderId || v.number || v.erpOrderNumber), { message: 'give orderId, number or erpOrderNumber', path: ['orderId'] });

export const ErpStatusInput = z
  .object({
    orderId: Id.optional(),
    number: z.string().optional(),
    erpOrderNumber: z.string().max(100).optional(),
    /** The ERP's state, e.g. Tryton 'confirmed', 'processing', 'done', 'cancelled'. */
    erpStatus: z.string().min(1).max(50),
    source: z.string().max(50).default('erp'),
  })
  .refine((v) => !!(v.orderId || v.number), { message: 'give orderId or number', path: ['orderId'] });

// ------------------------------------------------------------------------------------------ stock, attributes, policies

export const StockItem = z.object({ productId: Id, sku: z.string(), available: z.string(), asOf: IsoDateTime, source: z.string() });

export const StockUpdateInput = z.object({
  items: z.array(z.object({ productId: Id.optional(), sku: z.string().optional(), available: DecimalString, asOf: IsoDateTime.optional() })
    .refine((v) => !!(v.productId || v.sku), { message: 'give productId or sku', path: ['productId'] })).max(200_000),
  source: z.string().max(50).default('catalog_pull'),
});

export const ProductAttributes = z.object({
  productId: Id,
  sku: z.string(),
  name: z.string(),
  priceGroup: z.string().nullable(),
  packSize: z.string().nullable(),
  moq: z.string().nullable(),
  available: z.string().nullable(),
  stockAsOf: IsoDateTime.nullable(),
});

const PositiveDecimal = NonNegDecimalString.refine((s) => Number(s) > 0, 'must be greater than 0');

export const ProductAttributesInput = z.object({
  productId: Id,
  priceGroup: z.string().trim().min(1).max(100).nullish(),
  packSize: PositiveDecimal.nullish(),
  moq: PositiveDecimal.nullish(),
});

export const OrderPolicy = z.object({
  /** Days ahead for which upcoming orders exist. */
  horizonDays: z.number().int().min(0).max(400).default(42),
  /** Default lead time (release = delivery − leadDays). */
  defaultLeadDays: z.number().int().min(0).max(90).default(5),
  /** Shipping fee per order and currency; free from the threshold (goods net after discount). */
  shipping: z.array(z.object({ currency: CurrencyCode, fee: NonNegDecimalString, freeFrom: NonNegDecimalString.nullish(), description: z.string().max(200).optional(), taxCategory: z.string().optional() })).default([]),
  /** Volume discount across the account's orders of the calendar month of delivery. */
  volumeDiscount: z.object({
    basis: z.enum(['quantity', 'amount']),
    tiers: z.array(z.object({ from: NonNegDecimalString, percent: NonNegDecimalString.refine((s) => Number(s) <= 100, 'must be at most 100') })).min(1).max(50),
    description: z.string().max(200).optional(),
  }).nullable().default(null),
});
export type OrderPolicy = z.output<typeof OrderPolicy>;

export const orderOps = {
  'orderSchedules.create': op({ name: 'orderSchedules.create', summary: 'Create a delivery schedule (what, where, how often, invoiced how)', mutating: true, input: ScheduleCreateInput, output: Schedule }),
  'orderSchedules.update': op({ name: 'orderSchedules.update', summary: 'Change a delivery schedule; upcoming orders are regenerated', mutating: true, input: ScheduleUpdateInput, output: Schedule }),
  'orderSchedules.get': op({ name: 'orderSchedules.get', summary: 'Get a delivery schedule', mutating: false, input: z.object({ id: Id }), output: Schedule }),
  'orderSchedules.list': op({
    name: 'orderSchedules.list', summary: 'List delivery schedules', mutating: false,
    input: z.object({ customerId: Id.optional(), subscriptionId: Id.optional(), status: z.enum(['active', 'paused', 'ended', 'all']).default('all'), offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(10000).default(500) }),
    output: pageOf(Schedule),
  }),
  'orders.upcoming': op({ name: 'orders.upcoming', summary: 'Generate and refresh upcoming orders ahead (lead-time window) for a customer or all', mutating: true, input: UpcomingInput, output: UpcomingOutput }),
  'orders.list': op({ name: 'orders.list', summary: 'Orders grid: upcoming, released, confirmed, shipped, invoiced … with filters', mutating: false, input: OrderListInput, output: pageOf(OrderSummary) }),
  'orders.get': op({ name: 'orders.get', summary: 'One order with lines, overrides, events and invoicing', mutating: false, input: z.object({ id: Id }), output: Order }),
  'orders.calendar': op({
    name: 'orders.calendar', summary: "A customer's deliveries per day (orders and projected deliveries)", mutating: false,
    input: z.object({ customerId: Id, from: IsoDate, to: IsoDate }).refine((v) => v.from <= v.to, { message: 'must not be before from', path: ['to'] }),
    output: CalendarOutput,
  }),
  'orders.updateOccurrence': op({ name: 'orders.updateOccurrence', summary: 'Edit one upcoming delivery: quantity, skip, swap, one-off item, move date', mutating: true, input: UpdateOccurrenceInput, output: Order.extend({ messages: z.array(z.string()) }) }),
  'orders.release': op({ name: 'orders.release', summary: 'Release run: due upcoming orders become numbered sales orders with fixed prices (outbox → ERP)', mutating: true, input: ReleaseInput, output: ReleaseOutput }),
  'orders.recordShipment': op({ name: 'orders.recordShipment', summary: 'Fulfilment feedback: shipped, backordered and substituted quantities per line', mutating: true, input: ShipmentInput, output: Order }),
  'orders.recordErp': op({ name: 'orders.recordErp', summary: "The ERP's order number and status for a released order", mutating: true, input: ErpStatusInput, output: Order }),
  'orders.cancel': op({ name: 'orders.cancel', summary: 'Cancel an order that has not shipped (invoiced amounts are credited)', mutating: true, input: z.object({ id: Id, reason: z.string().max(500).default('') }), output: Order }),
  'stock.update': op({ name: 'stock.update', summary: 'Set available stock per product (catalog pull); re-flags upcoming orders', mutating: true, input: StockUpdateInput, output: z.object({ updated: z.number().int(), shortLines: z.number().int() }) }),
  'stock.list': op({ name: 'stock.list', summary: 'Available stock per product', mutating: false, input: z.object({ productIds: z.array(Id).max(10000).optional() }), output: z.array(StockItem) }),
  'productAttributes.set': op({ name: 'productAttributes.set', summary: "Set a product's price group, pack size and minimum order quantity", mutating: true, input: ProductAttributesInput, output: ProductAttributes }),
  'productAttributes.list': op({
    name: 'productAttributes.list', summary: 'Order attributes and stock of products (e.g. the swap candidates of a price group)', mutating: false,
    input: z.object({ priceGroup: z.string().optional(), productIds: z.array(Id).max(10000).optional() }), output: z.array(ProductAttributes),
  }),
  'orderPolicies.get': op({ name: 'orderPolicies.get', summary: 'Order policy (shipping, volume discount, horizon): the default or a customer’s effective one', mutating: false, input: z.object({ customerId: Id.optional() }), output: OrderPolicy }),
  'orderPolicies.set': op({ name: 'orderPolicies.set', summary: 'Set the default order policy or a customer’s own', mutating: true, input: z.object({ customerId: Id.nullish(), policy: OrderPolicy }), output: OrderPolicy }),
} as const;
