/** The handler table: one handler per operation of shared/api. The type makes a missing handler a compile error. */
import type { Handlers } from './context';
import { catalogHandlers } from './catalog';
import { customerHandlers } from './customers';
import { pricingHandlers } from './pricing';
import { systemHandlers } from './system';
import { syncHandlers } from './sync';

export const handlers: Handlers = {
  ...systemHandlers,
  ...customerHandlers,
  ...catalogHandlers,
  ...pricingHandlers,
  ...syncHandlers,
};
