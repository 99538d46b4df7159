/**
 * Writing the orders' pending invoicing (sales_order_invoicing rows) onto invoices.
 * Phase 2 stub: rows stay pending until the billing link is in place.
 */
import type { Db } from './db';

export interface FlushScope {
  orderId?: string;
}

/** Invoices the pending ledger rows in scope that are due now. Returns the number of invoices written. */
export function flushInvoices(_db: Db, _scope: FlushScope, _nowIso: string, _now: Date): number {
  return 0;
}
