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
} as const;

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
