import { z } from 'zod';
import { IsoDateTime } from '../common';
import { op } from '../op';

export const Settings = z.object({
  installationId: z.string(),
  /** Per-installation prefix used in human-readable numbers, so laptops never collide. */
  installationPrefix: z.string().regex(/^[A-Z0-9]{1,6}$/, 'must be 1–6 capital letters or digits'),
  companyName: z.string(),
  companyCountry: z.string(),
  defaultCurrency: z.string(),
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
    input: z.object({ key: z.string(), pattern: z.string().min(1).max(60).refine((p) => p.includes('{SEQ'), 'must contain {SEQ} or {SEQ:n}').optional(), reset: z.enum(['never', 'yearly', 'monthly']).optional() }),
    output: NumberSeries,
  }),
} as const;
