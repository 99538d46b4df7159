/** Customer editor values (exactly as typed) and their conversion to the API's create/update inputs. */
import type { OpInput, OpOutput } from '../../../../shared/api/index';
import type { FieldErrors } from '../../components/form';

export type Customer = OpOutput<'customers.get'>;
export type TaxStatus = Customer['taxStatus'];

export interface ContactValues {
  name: string;
  email: string;
  phone: string;
  role: string;
}
export interface AddressValues {
  line1: string;
  line2: string;
  postalCode: string;
  city: string;
  region: string;
  country: string;
}
export interface CustomerValues {
  name: string;
  number: string;
  vatId: string;
  country: string;
  currency: string;
  email: string;
  contacts: ContactValues[];
  billingAddress: AddressValues;
  paymentTermsDays: string;
  taxStatus: TaxStatus;
  parentId: string | null;
  tags: string[];
  notes: string;
}

export const TAX_STATUS_OPTIONS: { value: TaxStatus; label: string; hint?: string }[] = [
  { value: 'taxable', label: 'Taxable' },
  { value: 'reverse_charge_eligible', label: 'Reverse charge eligible', hint: 'EU B2B' },
  { value: 'exempt', label: 'Exempt' },
];
/** The label of a tax status; `short` drops "eligible" for narrow grid columns. */
export const taxStatusLabel = (s: string, short = false) => {
  const label = TAX_STATUS_OPTIONS.find((o) => o.value === s)?.label ?? s;
  return short ? label.replace(/ eligible$/, '') : label;
};

export const emptyContact = (): ContactValues => ({ name: '', email: '', phone: '', role: '' });
const emptyAddress = (): AddressValues => ({ line1: '', line2: '', postalCode: '', city: '', region: '', country: '' });

export function newCustomerValues(defaults: { country?: string; currency?: string }): CustomerValues {
  return {
    name: '', number: '', vatId: '', country: defaults.country ?? '', currency: defaults.currency ?? '', email: '',
    contacts: [], billingAddress: emptyAddress(), paymentTermsDays: '30', taxStatus: 'taxable', parentId: null, tags: [], notes: '',
  };
}

export function valuesOf(c: Customer): CustomerValues {
  const a = c.billingAddress;
  return {
    name: c.name, number: c.number, vatId: c.vatId ?? '', country: c.country, currency: c.currency, email: c.email,
    contacts: c.contacts.map((k) => ({ name: k.name, email: k.email, phone: k.phone ?? '', role: k.role ?? '' })),
    billingAddress: a ? { line1: a.line1, line2: a.line2 ?? '', postalCode: a.postalCode ?? '', city: a.city, region: a.region ?? '', country: a.country } : emptyAddress(),
    paymentTermsDays: String(c.paymentTermsDays), taxStatus: c.taxStatus, parentId: c.parentId, tags: c.tags, notes: c.notes,
  };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const hasAddress = (a: AddressValues) => [a.line1, a.line2, a.postalCode, a.city, a.region].some((s) => s.trim() !== '');

/** Light client-side checks (required fields, obvious formats); the API checks everything again. */
export function checkCustomer(v: CustomerValues, editing: boolean): FieldErrors {
  const e: FieldErrors = {};
  if (!v.name.trim()) e.name = 'is required';
  if (editing && !v.number.trim()) e.number = 'is required';
  if (!v.country) e.country = 'is required';
  if (!v.currency) e.currency = 'is required';
  if (!v.email.trim()) e.email = 'is required';
  else if (!EMAIL.test(v.email.trim())) e.email = 'must be a valid email address';
  const days = v.paymentTermsDays.trim();
  if (!/^\d+$/.test(days)) e.paymentTermsDays = 'must be a whole number of days';
  else if (Number(days) > 365) e.paymentTermsDays = 'must be at most 365 days';
  v.contacts.forEach((c, i) => {
    if (!c.name.trim()) e[`contacts.${i}.name`] = 'is required';
    if (!c.email.trim()) e[`contacts.${i}.email`] = 'is required';
    else if (!EMAIL.test(c.email.trim())) e[`contacts.${i}.email`] = 'must be a valid email address';
  });
  if (hasAddress(v.billingAddress)) {
    if (!v.billingAddress.line1.trim()) e['billingAddress.line1'] = 'is required';
    if (!v.billingAddress.city.trim()) e['billingAddress.city'] = 'is required';
  }
  return e;
}

/** The fields shared by create and update. */
function fieldsOf(v: CustomerValues) {
  const a = v.billingAddress;
  return {
    name: v.name,
    vatId: v.vatId.trim() ? v.vatId : null,
    country: v.country,
    currency: v.currency,
    email: v.email,
    contacts: v.contacts.map((c) => ({ name: c.name, email: c.email, phone: c.phone, role: c.role })),
    billingAddress: hasAddress(a) ? { line1: a.line1, line2: a.line2, postalCode: a.postalCode, city: a.city, region: a.region, country: a.country || v.country } : null,
    paymentTermsDays: Number(v.paymentTermsDays.trim()),
    taxStatus: v.taxStatus,
    parentId: v.parentId || null,
    tags: v.tags,
    notes: v.notes,
  };
}

export function toCreateInput(v: CustomerValues): OpInput<'customers.create'> {
  return { ...fieldsOf(v), ...(v.number.trim() ? { number: v.number.trim() } : {}) };
}

export function toUpdatePatch(v: CustomerValues): OpInput<'customers.update'>['patch'] {
  return { ...fieldsOf(v), number: v.number.trim() };
}
