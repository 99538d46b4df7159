/**
 * Pricing operations and the charge model schemas.
 * (Foundation: flat and per_unit only; the pricing issue extends this file with every model and pricing.quote.)
 */
import { z } from 'zod';
import { NonNegDecimalString } from '../common';

export const FlatModel = z.object({ type: z.literal('flat'), price: NonNegDecimalString });
export const PerUnitModel = z.object({ type: z.literal('per_unit'), unitPrice: NonNegDecimalString });

export const ChargeModel = z.discriminatedUnion('type', [FlatModel, PerUnitModel]);
export type ChargeModel = z.output<typeof ChargeModel>;

export const pricingOps = {} as const;
