// A customer record as the projection holds it, split the way the event log and the store need:
// plain fields (kind, lifecycle, terms: not about a person) travel readable in events; personal
// fields travel sealed with the customer's data key, so erasure can shred them. In the projection,
// what people search and sort by stays readable and the secret fields (tax number, bank account,
// notes) stay sealed (see customers.repo.sql.ts).
import { z } from 'zod';
import { customerSchema, ERASURE_MARKER, type Customer } from '../../shared/contract';

const nullableText = z.string().nullable();

export const plainFieldsSchema = customerSchema.pick({
  kind: true,
  legalForm: true,
  paymentTerms: true,
  creditLimit: true,
  currency: true,
  language: true,
  ownerId: true,
});
export type PlainFields = z.infer<typeof plainFieldsSchema>;
export const plainChangesSchema = plainFieldsSchema.partial();
export type PlainChanges = z.infer<typeof plainChangesSchema>;

export const personalFieldsSchema = customerSchema.pick({
  name: true,
  firstName: true,
  lastName: true,
  vatId: true,
  taxNumber: true,
  email: true,
  phone: true,
  mobile: true,
  fax: true,
  website: true,
  billingAddress: true,
  shippingAddress: true,
  bankAccount: true,
  tags: true,
  notes: true,
});
export type PersonalFields = z.infer<typeof personalFieldsSchema>;
export const personalChangesSchema = personalFieldsSchema.partial();
export type PersonalChanges = z.infer<typeof personalChangesSchema>;

/** The fields of the first versions (1–3): name, email, phone, city and notes. */
export const legacyPersonalSchema = z.object({
  name: z.string(),
  email: nullableText,
  phone: nullableText,
  city: nullableText,
  notes: nullableText,
});
export const legacyChangesSchema = legacyPersonalSchema.partial();

/** The stored record: exactly the contract's customer. */
export type CustomerRecord = Customer;

export const DEFAULT_PLAIN: PlainFields = {
  kind: 'company',
  legalForm: null,
  paymentTerms: null,
  creditLimit: null,
  currency: 'EUR',
  language: null,
  ownerId: null,
};

export const EMPTY_PERSONAL: PersonalFields = {
  name: '',
  firstName: null,
  lastName: null,
  vatId: null,
  taxNumber: null,
  email: null,
  phone: null,
  mobile: null,
  fax: null,
  website: null,
  billingAddress: null,
  shippingAddress: null,
  bankAccount: null,
  tags: [],
  notes: null,
};

/** What an erased customer holds: the marker for its name, nothing personal. */
export const ERASED_PERSONAL: PersonalFields = { ...EMPTY_PERSONAL, name: ERASURE_MARKER };

/** Legacy fields in today's shape (a city was all the address there was). */
export function fromLegacy(legacy: Partial<z.infer<typeof legacyPersonalSchema>>): PersonalChanges {
  const { city, ...rest } = legacy;
  const out: PersonalChanges = { ...rest };
  if (city !== undefined) {
    out.billingAddress = city === null ? null : { street: null, postalCode: null, city, country: null };
  }
  return out;
}

export const PLAIN_KEYS = Object.keys(DEFAULT_PLAIN) as (keyof PlainFields)[];
export const PERSONAL_KEYS = Object.keys(EMPTY_PERSONAL) as (keyof PersonalFields)[];

/** The phone shown in lists: the landline, else the mobile. */
export function primaryPhone(fields: Pick<PersonalFields, 'phone' | 'mobile'>): string | null {
  return fields.phone ?? fields.mobile;
}

/** The list's city and country: those of the billing address. */
export function withPlace<T extends Omit<CustomerRecord, 'city' | 'country'>>(
  record: T,
): T & Pick<CustomerRecord, 'city' | 'country'> {
  return { ...record, city: record.billingAddress?.city ?? null, country: record.billingAddress?.country ?? null };
}

export function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
