import { z } from 'zod';
import { CountryCode, CurrencyCode, Id, IsoDateTime, Ok, pageOf, SortDir } from '../common';
import { checkVatId, normalizeVatId } from '../../domain/vat';
import { op } from '../op';

export const TaxStatus = z.enum(['taxable', 'exempt', 'reverse_charge_eligible']);
export const CustomerStatus = z.enum(['active', 'archived']);

export const Address = z.object({
  line1: z.string().trim().min(1, 'is required').max(200),
  line2: z.string().trim().max(200).optional().default(''),
  city: z.string().trim().min(1, 'is required').max(100),
  postalCode: z.string().trim().max(20).optional().default(''),
  region: z.string().trim().max(100).optional().default(''),
  country: CountryCode,
});
export type Address = z.output<typeof Address>;

export const Contact = z.object({
  name: z.string().trim().min(1, 'is required').max(200),
  email: z.string().trim().email('must be a valid email address'),
  phone: z.string().trim().max(50).optional().default(''),
  role: z.string().trim().max(100).optional().default(''),
});

const tag = z.string().trim().min(1).max(50).regex(/^[\p{L}\p{N} _\-./]+$/u, 'may contain letters, digits, space, _ - . /');
const customerNumber = z.string().trim().min(1).max(40).regex(/^[A-Z0-9][A-Z0-9\-_/.]*$/i, 'may contain letters, digits and - _ / .');

const customerFields = {
  name: z.string().trim().min(1, 'is required').max(200),
  number: customerNumber.optional(),
  vatId: z.string().trim().max(30).nullish(),
  country: CountryCode,
  currency: CurrencyCode,
  email: z.string().trim().email('must be a valid email address'),
  contacts: z.array(Contact).max(50).default([]),
  billingAddress: Address.nullish(),
  paymentTermsDays: z.number().int('must be a whole number of days').min(0).max(365).default(30),
  taxStatus: TaxStatus.default('taxable'),
  parentId: Id.nullish(),
  tags: z.array(tag).max(30).default([]),
  notes: z.string().max(10000).default(''),
};

type VatCarrier = { vatId?: string | null; country?: string };
function refineVat<T extends VatCarrier>(v: T, ctx: z.RefinementCtx) {
  if (v.vatId && v.country) {
    const problem = checkVatId(v.vatId, v.country);
    if (problem) ctx.addIssue({ code: 'custom', path: ['vatId'], message: problem });
  }
}
const normalizeVat = <T extends VatCarrier>(v: T): T => (v.vatId ? { ...v, vatId: normalizeVatId(v.vatId) } : { ...v, vatId: null });

export const CustomerCreateInput = z.object(customerFields).superRefine(refineVat).transform(normalizeVat);
export type CustomerCreateInput = z.output<typeof CustomerCreateInput>;

export const CustomerPatch = z
  .object({
    name: customerFields.name,
    number: customerNumber,
    vatId: customerFields.vatId,
    country: CountryCode,
    currency: CurrencyCode,
    email: customerFields.email,
    contacts: z.array(Contact).max(50),
    billingAddress: Address.nullable(),
    paymentTermsDays: z.number().int('must be a whole number of days').min(0).max(365),
    taxStatus: TaxStatus,
    parentId: Id.nullable(),
    tags: z.array(tag).max(30),
    notes: z.string().max(10000),
  })
  .partial();

export const CustomerUpdateInput = z.object({
  id: Id,
  /** Optimistic concurrency: the version the editor saw. */
  expectedVersion: z.number().int().optional(),
  patch: CustomerPatch,
});

export const Customer = z.object({
  id: Id,
  number: z.string(),
  name: z.string(),
  vatId: z.string().nullable(),
  country: z.string(),
  currency: z.string(),
  email: z.string(),
  contacts: z.array(Contact),
  billingAddress: Address.nullable(),
  paymentTermsDays: z.number().int(),
  taxStatus: TaxStatus,
  parentId: z.string().nullable(),
  tags: z.array(z.string()),
  notes: z.string(),
  status: CustomerStatus,
  version: z.number().int(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Customer = z.output<typeof Customer>;

export const CustomerListInput = z.object({
  search: z.string().trim().max(200).optional(),
  status: z.enum(['active', 'archived', 'all']).default('active'),
  country: CountryCode.optional(),
  currency: CurrencyCode.optional(),
  tag: z.string().optional(),
  parentId: Id.optional(),
  sortBy: z.enum(['name', 'number', 'country', 'currency', 'createdAt', 'updatedAt']).default('name'),
  sortDir: SortDir,
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(10000).default(500),
});

export const customerOps = {
  'customers.create': op({ name: 'customers.create', summary: 'Create a B2B customer account', mutating: true, input: CustomerCreateInput, output: Customer }),
  'customers.update': op({ name: 'customers.update', summary: 'Update fields of a customer', mutating: true, input: CustomerUpdateInput, output: Customer }),
  'customers.get': op({ name: 'customers.get', summary: 'Get one customer by id', mutating: false, input: z.object({ id: Id }), output: Customer }),
  'customers.list': op({ name: 'customers.list', summary: 'List customers with filter, sort and paging', mutating: false, input: CustomerListInput, output: pageOf(Customer) }),
  'customers.archive': op({ name: 'customers.archive', summary: 'Archive a customer (customers are never deleted)', mutating: true, input: z.object({ id: Id }), output: Customer }),
  'customers.restore': op({ name: 'customers.restore', summary: 'Reactivate an archived customer', mutating: true, input: z.object({ id: Id }), output: Customer }),
  'customers.delete': op({ name: 'customers.delete', summary: 'Delete a customer nothing refers to (otherwise archive it)', mutating: true, input: z.object({ id: Id }), output: Ok }),
} as const;
