/** The handler table: one handler per operation of shared/api. The type makes a missing handler a compile error. */
import type { Handlers } from './context';
import { catalogHandlers } from './catalog';
import { customerHandlers } from './customers';
import { pricingHandlers } from './pricing';
import { pricebookHandlers } from './pricebooks';
import { bundleHandlers } from './bundles';
import { systemHandlers } from './system';
import { billingHandlers } from './billing/index';
import { syncHandlers } from './sync';
import { orderHandlers } from './orders/index';
import { exportHandlers } from './exports/index';

export const handlers: Handlers = {
  ...systemHandlers,
  ...customerHandlers,
  ...catalogHandlers,
  ...pricingHandlers,
  ...pricebookHandlers,
  ...bundleHandlers,
  ...syncHandlers,
  ...billingHandlers,
  ...orderHandlers,
  ...exportHandlers,
};
