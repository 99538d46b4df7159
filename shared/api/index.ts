/**
 * THE operation table. Every operation is declared once here and handled once in main/services.
 * Reached through Electron IPC, POST /api/<operation> in web mode, and directly in tests.
 */
import type { z } from 'zod';
import { catalogOps } from './ops/catalog';
import { customerOps } from './ops/customers';
import { pricingOps } from './ops/pricing';
import { pricebookOps } from './ops/pricebooks';
import { bundleOps } from './ops/bundles';
import { systemOps } from './ops/system';
import { subscriptionOps } from './ops/subscriptions';
import { usageOps } from './ops/usage';
import { invoiceOps } from './ops/invoices';
import { billingOps } from './ops/billing';
import { syncOps } from './ops/sync';
import { orderOps } from './ops/orders';
import { locationOps } from './ops/locations';
import { exportOps } from './ops/exports';
import type { OpDef } from './op';

export const operations = {
  ...systemOps,
  ...customerOps,
  ...catalogOps,
  ...pricingOps,
  ...pricebookOps,
  ...bundleOps,
  ...syncOps,
  ...subscriptionOps,
  ...usageOps,
  ...invoiceOps,
  ...billingOps,
  ...locationOps,
  ...orderOps,
  ...exportOps,
} as const;

/** Every area's operation group, so duplicates can be refused (object spread would silently override). */
export const OPERATION_GROUPS: Record<string, Record<string, OpDef<never, never> | unknown>> = {
  systemOps, customerOps, catalogOps, pricingOps, pricebookOps, bundleOps, syncOps, subscriptionOps, usageOps, invoiceOps,
  billingOps, locationOps, orderOps, exportOps,
};

/** Throws when two groups declare the same operation name, or a key differs from its op's `name`. */
export function assertUniqueOperations(groups: Record<string, Record<string, unknown>> = OPERATION_GROUPS): void {
  const seen = new Map<string, string>();
  for (const [group, ops] of Object.entries(groups)) {
    for (const [key, def] of Object.entries(ops)) {
      const other = seen.get(key);
      if (other) throw new Error(`operation ${key} is declared twice (${other} and ${group})`);
      seen.set(key, group);
      if ((def as { name?: string }).name !== key) throw new Error(`operation key ${key} differs from its name ${(def as { name?: string }).name}`);
    }
  }
}
assertUniqueOperations();

export type Operations = typeof operations;
export type OpName = keyof Operations;
export type OpInput<K extends OpName> = z.input<Operations[K]['input']>;
export type OpParsedInput<K extends OpName> = z.output<Operations[K]['input']>;
export type OpOutput<K extends OpName> = z.output<Operations[K]['output']>;

export const opNames = Object.keys(operations) as OpName[];
export const isOpName = (name: string): name is OpName => Object.prototype.hasOwnProperty.call(operations, name);
export const getOp = (name: OpName): OpDef => operations[name] as unknown as OpDef;

export * from './errors';
export { parseInput, validationError, zodIssuesToFields } from './op';
