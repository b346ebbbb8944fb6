import { z } from 'zod';
import { procedure } from './procedure';

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

/** The editable fields of a customer, with the rules the form and the CLI both get. */
export const customerFieldsSchema = z.strictObject({
  name: z.string().trim().min(1, 'Name is required').max(200),
  email: z.email('Not a valid email address').max(254).nullable().optional(),
  phone: z
    .string()
    .trim()
    .max(40)
    .regex(/^[+0-9 ()/.-]*$/, 'Only digits, spaces and + ( ) / . - are allowed')
    .nullable()
    .optional(),
  city: optionalText(120),
  notes: z.string().max(10_000).nullable().optional(),
});
export type CustomerFields = z.input<typeof customerFieldsSchema>;

/** What an erased customer's personal fields read as, everywhere (projection, events, exports). */
export const ERASURE_MARKER = '[erased]';

export const customerSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  city: z.string().nullable(),
  notes: z.string().nullable(),
  version: z.number().int().positive(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** Set once the customer's personal data was erased (GDPR art. 17); the record then holds the marker. */
  erasedAt: z.iso.datetime().nullable(),
});
export type Customer = z.infer<typeof customerSchema>;

export const customerSortKeys = ['name', 'email', 'city', 'createdAt', 'updatedAt'] as const;
export type CustomerSortKey = (typeof customerSortKeys)[number];

export const customerListInputSchema = z.strictObject({
  search: z.string().trim().max(200).optional(),
  sort: z.enum(customerSortKeys).default('name'),
  direction: z.enum(['asc', 'desc']).default('asc'),
  limit: z.number().int().min(1).max(500).default(50),
  offset: z.number().int().min(0).default(0),
});
export type CustomerListInput = z.input<typeof customerListInputSchema>;
export type CustomerListQuery = z.output<typeof customerListInputSchema>;

export const customerPageSchema = z.object({
  items: z.array(customerSchema),
  total: z.number().int().min(0),
  limit: z.number().int(),
  offset: z.number().int(),
});
export type CustomerPage = z.infer<typeof customerPageSchema>;

const idInput = z.strictObject({ id: z.uuid('Not a valid customer id') });

export const customersContract = {
  'customers.create': procedure({
    summary: 'Create a customer',
    input: customerFieldsSchema,
    output: customerSchema,
    permission: 'customers.write',
  }),
  'customers.get': procedure({
    summary: 'Get one customer by id',
    input: idInput,
    output: customerSchema,
    permission: 'customers.read',
  }),
  'customers.update': procedure({
    summary: 'Change some fields of a customer',
    input: z.strictObject({
      id: z.uuid('Not a valid customer id'),
      /** When given, the update fails with `conflict` if someone else changed the customer since. */
      expectedVersion: z.number().int().positive().optional(),
      changes: customerFieldsSchema
        .partial()
        .refine((c) => Object.keys(c).length > 0, 'Name at least one field to change'),
    }),
    output: customerSchema,
    permission: 'customers.write',
  }),
  'customers.list': procedure({
    summary: 'List customers, paged and sorted, with an optional text search',
    input: customerListInputSchema,
    output: customerPageSchema,
    permission: 'customers.read',
  }),
  'customers.history': procedure({
    summary: "A customer's events: who changed what, when",
    input: z.strictObject({ id: z.uuid('Not a valid customer id') }),
    output: z.array(
      z.object({
        version: z.number().int(),
        type: z.string(),
        at: z.string(),
        userId: z.string().nullable(),
        userName: z.string().nullable(),
        changes: z.record(z.string(), z.unknown()),
        /** For each changed field, its value before this event (null when it was empty). */
        before: z.record(z.string(), z.unknown()),
      }),
    ),
    permission: 'customers.read',
  }),
} as const;
