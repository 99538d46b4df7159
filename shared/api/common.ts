/** Schemas shared by many operations. */
import { z } from 'zod';
import { isCurrency } from '../domain/money';

export const Id = z.string().uuid({ message: 'must be a UUID' });
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(s + 'T00:00:00Z');
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'is not a valid calendar date');
export const IsoDateTime = z.string().datetime({ offset: true, message: 'must be an ISO 8601 date-time' });
export const CurrencyCode = z.string().toUpperCase().refine(isCurrency, 'must be an ISO 4217 currency code Cadence supports (e.g. EUR, USD, JPY)');
export const CountryCode = z.string().toUpperCase().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code');
/** A decimal number carried as a string, e.g. "12.5" or "0.0006". */
export const DecimalString = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .refine((s) => /^-?\d+(\.\d+)?$/.test(s), 'must be a decimal number such as "12.50"')
  // prices, quantities and percentages Cadence can bill: at most 12 digits before the point (a trillion), 12 after
  .refine((s) => !/^-?\d+(\.\d+)?$/.test(s) || /^-?0*\d{1,12}(\.\d{1,12})?$/.test(s), 'is out of range: at most 12 digits before and 12 after the decimal point');
export const NonNegDecimalString = DecimalString.refine((s) => !s.startsWith('-'), 'must not be negative');

export const Paging = z.object({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(10000).default(100),
});

export const SortDir = z.enum(['asc', 'desc']).default('asc');

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), offset: z.number().int(), limit: z.number().int() });

export const Ok = z.object({ ok: z.literal(true) });
