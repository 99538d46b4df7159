/** Ship-to locations: several delivery addresses per customer, contacts per location. */
import { z } from 'zod';
import { CountryCode, Id, IsoDateTime, pageOf } from '../common';
import { op } from '../op';
import { Contact } from './customers';

export const LocationStatus = z.enum(['active', 'archived']);

const locationFields = {
  name: z.string().trim().min(1, 'is required').max(200),
  line1: z.string().trim().min(1, 'is required').max(200),
  line2: z.string().trim().max(200).default(''),
  city: z.string().trim().min(1, 'is required').max(100),
  postalCode: z.string().trim().max(20).default(''),
  region: z.string().trim().max(100).default(''),
  country: CountryCode,
  contacts: z.array(Contact).max(50).default([]),
  /** Instructions for the carrier (gate code, opening hours …). */
  deliveryNotes: z.string().max(2000).default(''),
  /** The customer's default delivery address (one per customer; setting it moves the flag). */
  isDefault: z.boolean().default(false),
};

export const LocationCreateInput = z.object({ customerId: Id, ...locationFields });

export const LocationPatch = z
  .object({
    name: locationFields.name,
    line1: locationFields.line1,
    line2: z.string().trim().max(200),
    city: locationFields.city,
    postalCode: z.string().trim().max(20),
    region: z.string().trim().max(100),
    country: CountryCode,
    contacts: z.array(Contact).max(50),
    deliveryNotes: z.string().max(2000),
    isDefault: z.boolean(),
  })
  .partial();

export const Location = z.object({
  id: Id,
  customerId: Id,
  name: z.string(),
  line1: z.string(),
  line2: z.string(),
  city: z.string(),
  postalCode: z.string(),
  region: z.string(),
  country: z.string(),
  contacts: z.array(Contact),
  deliveryNotes: z.string(),
  isDefault: z.boolean(),
  status: LocationStatus,
  /** Active delivery schedules shipping here. */
  activeSchedules: z.number().int(),
  version: z.number().int(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Location = z.output<typeof Location>;

export const LocationListInput = z.object({
  customerId: Id.optional(),
  status: z.enum(['active', 'archived', 'all']).default('active'),
  search: z.string().trim().max(200).optional(),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(10000).default(500),
});

export const locationOps = {
  'locations.create': op({ name: 'locations.create', summary: 'Add a ship-to location (delivery address with contacts) to a customer', mutating: true, input: LocationCreateInput, output: Location }),
  'locations.update': op({
    name: 'locations.update', summary: 'Update a ship-to location', mutating: true,
    input: z.object({ id: Id, expectedVersion: z.number().int().optional(), patch: LocationPatch }), output: Location,
  }),
  'locations.get': op({ name: 'locations.get', summary: 'Get one ship-to location', mutating: false, input: z.object({ id: Id }), output: Location }),
  'locations.list': op({ name: 'locations.list', summary: 'List ship-to locations (per customer)', mutating: false, input: LocationListInput, output: pageOf(Location) }),
  'locations.archive': op({ name: 'locations.archive', summary: 'Archive a ship-to location no active delivery schedule uses', mutating: true, input: z.object({ id: Id }), output: Location }),
} as const;
