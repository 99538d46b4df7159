/** pricing.* handlers: thin wrappers over the pure pricing domain. */
import { priceCharge, priceCurve } from '../../shared/domain/pricing';
import type { HandlerMap } from './context';

type PricingOps = 'pricing.quote' | 'pricing.curve';

export const pricingHandlers: HandlerMap<PricingOps> = {
  'pricing.quote': async (input) => priceCharge(input.model, input),
  'pricing.curve': async (input) => ({
    currency: input.currency,
    points: priceCurve(input.model, input.quantities, input.currency, input.rounding),
  }),
};
