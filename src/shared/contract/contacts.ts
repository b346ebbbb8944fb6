// Contact persons of a company customer. Each is a data subject of their own: their data is sealed
// with their own key, and can be exported and erased without touching the customer.
import { z } from 'zod';
import { gdprExportSchema, csvStyles } from './gdpr';
import { isoTime, phoneText } from './customers';
import { procedure } from './procedure';

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

export const contactFieldsSchema = z.strictObject({
  name: z.string().trim().min(1, 'A contact needs a name').max(200),
  /** What the person does at the customer (Einkauf, Geschäftsführung). */
  role: optionalText(100),
  email: z.email('Not a valid email address').max(254).nullable().optional(),
  /** As typed; stored as E.164, read in the customer's country when it has no +. */
  phone: phoneText,
  /** The customer's main contact; at most one per customer (setting it moves it). */
  primary: z.boolean().optional(),
});
export type ContactFields = z.input<typeof contactFieldsSchema>;
export type ParsedContactFields = z.output<typeof contactFieldsSchema>;

export const contactSchema = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  name: z.string(),
  role: z.string().nullable(),
  email: z.string().nullable(),
  /** E.164. */
  phone: z.string().nullable(),
  primary: z.boolean(),
  version: z.number().int().positive(),
  createdAt: isoTime,
  updatedAt: isoTime,
  /** Set once the person's data was erased; the record then holds the erasure marker. */
  erasedAt: isoTime.nullable(),
});
export type Contact = z.infer<typeof contactSchema>;

const contactId = z.uuid('Not a valid contact id');
const expectedVersion = z.number().int().positive().optional();

export const contactsContract = {
  'contacts.list': procedure({
    summary: "A customer's contact persons, the primary one first",
    input: z.strictObject({ customerId: z.uuid('Not a valid customer id') }),
    output: z.array(contactSchema),
    permission: 'customers.read',
  }),
  'contacts.add': procedure({
    summary: 'Add a contact person to a company customer',
    input: z.strictObject({ customerId: z.uuid('Not a valid customer id'), fields: contactFieldsSchema }),
    output: contactSchema,
    permission: 'customers.write',
  }),
  'contacts.update': procedure({
    summary: 'Change some fields of a contact person',
    input: z.strictObject({
      id: contactId,
      expectedVersion,
      changes: contactFieldsSchema.partial().refine((c) => Object.keys(c).length > 0, 'Name at least one field'),
    }),
    output: contactSchema,
    permission: 'customers.write',
  }),
  'contacts.remove': procedure({
    summary: 'Remove a contact person (their data is deleted with their key)',
    input: z.strictObject({ id: contactId, expectedVersion }),
    output: z.object({ removed: z.literal(true) }),
    permission: 'customers.write',
  }),
  'contacts.export': procedure({
    summary: 'Everything held about one contact person, as a ZIP (right of access)',
    input: z.strictObject({ id: contactId, csv: z.enum(csvStyles).default('comma') }),
    output: gdprExportSchema,
    permission: 'gdpr.manage',
  }),
  'contacts.erase': procedure({
    summary: "Erase a contact person's data by deleting their key (right to erasure)",
    input: z.strictObject({ id: contactId }),
    output: contactSchema,
    permission: 'gdpr.manage',
  }),
} as const;
