import { z } from 'zod';
import { CurrencyCode, IsoDateTime } from '../common';
import { op } from '../op';

const SellerAddress = z.object({
  line1: z.string().trim().max(200).default(''),
  line2: z.string().trim().max(200).optional().default(''),
  city: z.string().trim().max(100).default(''),
  postalCode: z.string().trim().max(20).optional().default(''),
  region: z.string().trim().max(100).optional().default(''),
});

export const Settings = z.object({
  installationId: z.string(),
  /** Per-installation prefix used in human-readable numbers, so laptops never collide. */
  installationPrefix: z.string().regex(/^[A-Z0-9]{1,6}$/, 'must be 1–6 capital letters or digits'),
  /** The seller's legal name, as printed on invoices. */
  companyName: z.string().trim().min(1, 'is required').max(200),
  companyCountry: z.string().toUpperCase().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code'),
  defaultCurrency: CurrencyCode,
  companyVatId: z.string().trim().max(30).nullable().optional(),
  companyRegistrationNumber: z.string().trim().max(60).nullable().optional(),
  companyAddress: SellerAddress.nullable().optional(),
  companyEmail: z.union([z.literal(''), z.string().trim().email('must be a valid email address')]).nullable().optional(),
  companyPhone: z.string().trim().max(50).nullable().optional(),
  bankName: z.string().trim().max(100).nullable().optional(),
  bankIban: z
    .string()
    .trim()
    .transform((v) => v.replace(/\s+/g, '').toUpperCase())
    .refine((v) => v === '' || /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(v), 'must be an IBAN such as DE89370400440532013000')
    .nullable()
    .optional(),
  bankBic: z
    .string()
    .trim()
    .toUpperCase()
    .refine((v) => v === '' || /^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(v), 'must be a BIC of 8 or 11 characters')
    .nullable()
    .optional(),
});

export const NumberSeries = z.object({
  key: z.string(),
  pattern: z.string(),
  reset: z.enum(['never', 'yearly', 'monthly']),
  nextValue: z.number().int(),
});

export const systemOps = {
  'system.info': op({
    name: 'system.info', summary: 'Version, schema version, data location and clock', mutating: false, input: z.object({}),
    output: z.object({ version: z.string(), schemaVersion: z.number().int(), dataDir: z.string(), now: IsoDateTime, mode: z.enum(['electron', 'web', 'cli', 'test']) }),
  }),
  'settings.get': op({ name: 'settings.get', summary: 'Installation settings', mutating: false, input: z.object({}), output: Settings }),
  'settings.update': op({
    name: 'settings.update', summary: 'Update installation settings', mutating: true,
    input: Settings.omit({ installationId: true }).partial(), output: Settings,
  }),
  'numberSeries.list': op({ name: 'numberSeries.list', summary: 'Number series (customers, invoices, credit notes…)', mutating: false, input: z.object({}), output: z.array(NumberSeries) }),
  'numberSeries.update': op({
    name: 'numberSeries.update', summary: 'Change the pattern of a number series', mutating: true,
    input: z.object({ key: z.string(), pattern: z.string().trim().min(1).max(60).refine((p) => p.includes('{SEQ'), 'must contain {SEQ} or {SEQ:n}').optional(), reset: z.enum(['never', 'yearly', 'monthly']).optional() }),
    output: NumberSeries,
  }),
} as const;
