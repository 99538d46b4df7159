// Placeholder until the pricing helper lands its handlers (owned by the pricing work).
import type { HandlerMap } from './context';
export const pricingHandlers: HandlerMap<never> = {};
