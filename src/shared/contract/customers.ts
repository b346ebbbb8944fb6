import { z } from 'zod';
import { bicSchema, checkPhone, ibanSchema, vatIdSchema } from '../identifiers';
import { isCountry, isCurrency, isLanguage } from '../reference-lists';
import { errorCodes } from '../errors';
import { procedure } from './procedure';

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

/** A custom issue with a rule name the locales translate (`errors.<rule>`). */
const ruled = <T extends z.ZodType>(schema: T, rule: string, check: (value: z.output<T>) => boolean) =>
  schema.refine(check, { message: `not a valid ${rule}`, params: { rule } });

/** The rules of a customer's fields beyond zod's own, each with a sentence in the locales. */
export const CUSTOMER_RULES = ['country', 'currency', 'language', 'website', 'owner'] as const;

export const customerKinds = ['company', 'person'] as const;
export type CustomerKind = (typeof customerKinds)[number];

/**
 * The lifecycle. Each move is its own command with a reason, allowed only along these edges:
 * forward through the funnel, back where it makes sense (a prospect that went cold is a lead
 * again; an inactive customer who buys again is active), and out of the archive to where a
 * customer is taken up again.
 */
export const customerStatuses = ['lead', 'prospect', 'active', 'inactive', 'archived'] as const;
export type CustomerStatus = (typeof customerStatuses)[number];
export const statusEdges: Readonly<Record<CustomerStatus, readonly CustomerStatus[]>> = {
  lead: ['prospect', 'active', 'archived'],
  prospect: ['lead', 'active', 'archived'],
  active: ['inactive', 'archived'],
  inactive: ['active', 'archived'],
  archived: ['lead', 'active', 'inactive'],
};
/** Where a new customer may start. */
export const initialStatuses = ['lead', 'prospect', 'active'] as const satisfies readonly CustomerStatus[];

/** A code of fixed length from a list; a code of the wrong length gets one issue, not two. */
const code = (length: number, rule: string, known: (code: string) => boolean, upper: boolean) =>
  ruled(
    (upper ? z.string().trim().toUpperCase() : z.string().trim().toLowerCase()).length(length, { abort: true }),
    rule,
    known,
  );
export const countrySchema = code(2, 'country', isCountry, true);
export const currencySchema = code(3, 'currency', isCurrency, true);
export const languageSchema = code(2, 'language', isLanguage, false);

export const addressSchema = z.strictObject({
  street: optionalText(200),
  postalCode: optionalText(20),
  city: optionalText(120),
  country: countrySchema.nullable().optional(),
});
export type Address = z.output<typeof addressSchema>;

export const bankAccountSchema = z.strictObject({
  iban: ibanSchema,
  bic: bicSchema.nullable().optional(),
  holder: optionalText(120),
});
export type BankAccount = z.output<typeof bankAccountSchema>;

export const paymentTermsSchema = z.strictObject({
  /** Net days until an invoice is due. */
  days: z.number().int().min(0).max(365),
  /** Early-payment discount in percent (two decimals), within `discountDays`. */
  discountPercent: z.number().min(0).max(100).multipleOf(0.01).default(0),
  discountDays: z.number().int().min(0).max(365).default(0),
});
export type PaymentTerms = z.output<typeof paymentTermsSchema>;

/** Phone numbers as typed; stored as E.164 (read in the customer's country when they have no +). */
export const phoneText = z
  .string()
  .trim()
  .max(40)
  .regex(/^[+0-9 ()/.-]*$/, 'Only digits, spaces and + ( ) / . - are allowed')
  .nullable()
  .optional();

/** Up to 20 tags, each up to 40 characters; duplicates (ignoring case) are dropped. */
const tagsSchema = z
  .array(z.string().trim().min(1).max(40))
  .max(20)
  .transform((tags) => {
    const seen = new Set<string>();
    return tags.filter((tag) => {
      const key = tag.toLocaleLowerCase('de');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  });

/**
 * The editable fields of a customer, each with its own rules; the rules across fields (a person's
 * name, phone numbers read in the customer's country) are `checkCustomer`'s. Money is in minor
 * units (cents) of the customer's currency.
 */
export const customerFieldsSchema = z.strictObject({
  kind: z.enum(customerKinds).optional(),
  /** The company's name; for a person, made from first and last name when not given. */
  name: optionalText(200),
  firstName: optionalText(100),
  lastName: optionalText(100),
  legalForm: optionalText(60),
  vatId: vatIdSchema.nullable().optional(),
  taxNumber: optionalText(40),
  email: z.email('Not a valid email address').max(254).nullable().optional(),
  phone: phoneText,
  mobile: phoneText,
  fax: phoneText,
  website: ruled(z.string().trim().max(200), 'website', isWebsite).nullable().optional(),
  billingAddress: addressSchema.nullable().optional(),
  /** Null: deliveries go to the billing address. */
  shippingAddress: addressSchema.nullable().optional(),
  bankAccount: bankAccountSchema.nullable().optional(),
  paymentTerms: paymentTermsSchema.nullable().optional(),
  creditLimit: z.number().int().min(0).max(1e13).nullable().optional(),
  currency: currencySchema.optional(),
  language: languageSchema.nullable().optional(),
  tags: tagsSchema.optional(),
  ownerId: z.uuid('Not a valid user id').nullable().optional(),
  notes: z.string().max(10_000).nullable().optional(),
});
export type CustomerFields = z.input<typeof customerFieldsSchema>;
export type ParsedCustomerFields = z.output<typeof customerFieldsSchema>;

/** http(s) addresses; a bare host (`example.com`) counts, `https://` is added when stored. */
export function isWebsite(text: string): boolean {
  if (text === '') return true;
  try {
    const url = new URL(/^https?:\/\//i.test(text) ? text : `https://${text}`);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.includes('.');
  } catch {
    return false;
  }
}

export interface CustomerIssue {
  readonly path: string;
  readonly rule: string;
  readonly message: string;
}

/** A company has a name, a person a last name (or a name given as a whole). */
export function nameIssues(fields: Pick<ParsedCustomerFields, 'kind' | 'name' | 'lastName'>): CustomerIssue[] {
  const kind = fields.kind ?? 'company';
  if (kind === 'company' && !fields.name?.trim()) {
    return [{ path: 'name', rule: 'required', message: 'A company needs a name' }];
  }
  if (kind === 'person' && !fields.lastName?.trim() && !fields.name?.trim()) {
    return [{ path: 'lastName', rule: 'required', message: 'A person needs a last name' }];
  }
  return [];
}

/**
 * The rules across fields, on a whole record (a new one, or a stored one with changes applied):
 * a company has a name, a person a last name; phone numbers exist in the numbering plan of the
 * customer's country. Returns the issues and the phone numbers as E.164.
 */
export function checkCustomer(
  fields: ParsedCustomerFields,
  defaultCountry: string,
): { issues: CustomerIssue[]; phones: Partial<Record<'phone' | 'mobile' | 'fax', string | null>> } {
  const issues: CustomerIssue[] = nameIssues(fields);
  const phones: Partial<Record<'phone' | 'mobile' | 'fax', string | null>> = {};
  // Numbers without + are read in the billing address's country, else the company's.
  const country = fields.billingAddress?.country ?? defaultCountry;
  for (const field of ['phone', 'mobile', 'fax'] as const) {
    const text = fields[field];
    if (text === undefined) continue;
    if (text === null || text.trim() === '') {
      phones[field] = null;
      continue;
    }
    const checked = checkPhone(text, country);
    if (checked.ok) phones[field] = checked.value;
    else issues.push({ path: field, rule: 'phone', message: 'not a valid phone number' });
  }
  return { issues, phones };
}

/** Shown for a person: first and last name; for a company: its name. */
export function displayName(fields: Pick<ParsedCustomerFields, 'kind' | 'name' | 'firstName' | 'lastName'>): string {
  if ((fields.kind ?? 'company') === 'person') {
    const made = [fields.firstName, fields.lastName].filter((p) => p && p.trim() !== '').join(' ');
    return made || (fields.name ?? '');
  }
  return fields.name ?? '';
}

/** A new customer: the record's fields, and where in the lifecycle it starts (default: active). */
export const customerCreateSchema = customerFieldsSchema
  .extend({ status: z.enum(initialStatuses).optional() })
  .superRefine((fields, ctx) => {
    for (const { path, rule, message } of nameIssues(fields)) {
      ctx.addIssue({ code: 'custom', path: [path], message, params: { rule } });
    }
  });

/** What an erased customer's personal fields read as, everywhere (projection, events, exports). */
export const ERASURE_MARKER = '[erased]';

export const isoTime = z.iso.datetime();

/** One row of the list: what people search, sort and filter by. */
export const customerSummarySchema = z.object({
  id: z.uuid(),
  number: z.string(),
  kind: z.enum(customerKinds),
  status: z.enum(customerStatuses),
  name: z.string(),
  email: z.string().nullable(),
  /** E.164: the phone, else the mobile number. */
  phone: z.string().nullable(),
  city: z.string().nullable(),
  country: z.string().nullable(),
  tags: z.array(z.string()),
  ownerId: z.string().nullable(),
  version: z.number().int().positive(),
  createdAt: isoTime,
  updatedAt: isoTime,
  /** Set once the customer's personal data was erased (GDPR art. 17); the record then holds the marker. */
  erasedAt: isoTime.nullable(),
});
export type CustomerSummary = z.infer<typeof customerSummarySchema>;

const storedAddress = z.object({
  street: z.string().nullable(),
  postalCode: z.string().nullable(),
  city: z.string().nullable(),
  country: z.string().nullable(),
});

export const customerSchema = customerSummarySchema.extend({
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  legalForm: z.string().nullable(),
  vatId: z.string().nullable(),
  taxNumber: z.string().nullable(),
  mobile: z.string().nullable(),
  fax: z.string().nullable(),
  website: z.string().nullable(),
  billingAddress: storedAddress.nullable(),
  shippingAddress: storedAddress.nullable(),
  bankAccount: z.object({ iban: z.string(), bic: z.string().nullable(), holder: z.string().nullable() }).nullable(),
  paymentTerms: z.object({ days: z.number(), discountPercent: z.number(), discountDays: z.number() }).nullable(),
  creditLimit: z.number().int().nullable(),
  currency: z.string(),
  language: z.string().nullable(),
  notes: z.string().nullable(),
});
export type Customer = z.infer<typeof customerSchema>;

export const customerSortKeys = ['name', 'number', 'email', 'city', 'status', 'createdAt', 'updatedAt'] as const;
export type CustomerSortKey = (typeof customerSortKeys)[number];

/** A day or an instant (`2026-11-28` or an ISO timestamp), for date filters. */
const dateBound = z.iso.datetime({ offset: true }).or(z.iso.date());

export const customerListInputSchema = z.strictObject({
  search: z.string().trim().max(200).optional(),
  sort: z.enum(customerSortKeys).default('name'),
  direction: z.enum(['asc', 'desc']).default('asc'),
  status: z.array(z.enum(customerStatuses)).max(customerStatuses.length).optional(),
  /** ISO 3166-1 alpha-2 codes of the billing country. */
  country: z
    .array(z.string().regex(/^[A-Z]{2}$/, 'A country is two capital letters (DE)'))
    .max(300)
    .optional(),
  /** Owners (user ids); `none` stands for customers without an owner. */
  owner: z
    .array(z.uuid().or(z.literal('none')))
    .max(100)
    .optional(),
  /** Customers carrying every one of these tags (case-insensitive). */
  tags: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
  /** Only these customers (a selection in the list, exported). */
  ids: z.array(z.uuid()).min(1).max(1000).optional(),
  /** Only customers with a task not yet done (true), or without one (false). */
  openTasks: z.boolean().optional(),
  createdFrom: dateBound.optional(),
  createdTo: dateBound.optional(),
  updatedFrom: dateBound.optional(),
  updatedTo: dateBound.optional(),
  limit: z.number().int().min(1).max(500).default(50),
  /**
   * Where the page starts: the row index (0 is the first row). A list answers any position from
   * keyset queries (jumping to row 700,000 reads about as much as the first page); a search
   * reaches far positions by scrolling, with `cursor`.
   */
  position: z.number().int().min(0).default(0),
  /** The `next` of the previous page: continues right after it, whatever changed in between. */
  cursor: z.string().max(2000).optional(),
});
export type CustomerListInput = z.input<typeof customerListInputSchema>;
export type CustomerListQuery = z.output<typeof customerListInputSchema>;

export const customerPageSchema = z.object({
  items: z.array(customerSummarySchema),
  /** All rows of the list; a broad search estimates it from a sample (then `exact` is false). */
  total: z.number().int().min(0),
  exact: z.boolean(),
  /**
   * The estimate covers only the first part of a very broad search (a prefix that most customers
   * have): there are more matches than `total`, and the list ends there ("more than …").
   */
  atLeast: z.boolean().optional(),
  /** The row index of the first item. */
  position: z.number().int().min(0),
  limit: z.number().int(),
  /** Pass as `cursor` for the page after this one; null at the end. */
  next: z.string().nullable(),
});
export type CustomerPage = z.infer<typeof customerPageSchema>;

export const duplicateReasons = ['vatId', 'iban', 'email', 'nameAndCity'] as const;
export type DuplicateReason = (typeof duplicateReasons)[number];
export const likelyDuplicateSchema = z.object({
  customer: customerSummarySchema,
  /** Why it looks like the same customer: same VAT ID, IBAN, email, or name in the same city. */
  reasons: z.array(z.enum(duplicateReasons)).min(1),
});
export type LikelyDuplicate = z.infer<typeof likelyDuplicateSchema>;

const customerId = z.uuid('Not a valid customer id');
const idInput = z.strictObject({ id: customerId });

/** What a bulk action does to each selected customer. */
export const bulkActionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('addTags'), tags: tagsSchema.refine((t) => t.length > 0, 'Name a tag') }),
  z.strictObject({ kind: z.literal('removeTags'), tags: tagsSchema.refine((t) => t.length > 0, 'Name a tag') }),
  z.strictObject({ kind: z.literal('owner'), ownerId: z.uuid('Not a valid user id').nullable() }),
  z.strictObject({
    kind: z.literal('status'),
    status: z.enum(customerStatuses),
    reason: z.string().trim().min(1, 'Give a reason').max(500),
  }),
]);
export type BulkAction = z.input<typeof bulkActionSchema>;

export const bulkResultSchema = z.object({
  changed: z.number().int(),
  /** Customers the action left as they were (the tag was there already, the owner the same). */
  unchanged: z.number().int(),
  /** Customers the action could not change, each with the refusal's code and reason. */
  failed: z.array(
    z.object({
      id: z.string(),
      name: z.string().nullable(),
      code: z.enum(errorCodes),
      reason: z.string().nullable(),
      message: z.string(),
    }),
  ),
});
export type BulkResult = z.infer<typeof bulkResultSchema>;

export const customersContract = {
  'customers.bulk': procedure({
    summary: 'Tag, untag, give an owner or move the status of many customers at once (each one its own event)',
    input: z.strictObject({ ids: z.array(customerId).min(1).max(1000), action: bulkActionSchema }),
    output: bulkResultSchema,
    permission: 'customers.write',
  }),
  'customers.create': procedure({
    summary: 'Create a customer (its number comes from the company’s sequence)',
    input: customerCreateSchema,
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
      id: customerId,
      /** When given, the update fails with `conflict` if someone else changed the customer since. */
      expectedVersion: z.number().int().positive().optional(),
      changes: customerFieldsSchema.refine((c) => Object.keys(c).length > 0, 'Name at least one field to change'),
    }),
    output: customerSchema,
    permission: 'customers.write',
  }),
  'customers.setStatus': procedure({
    summary: 'Move a customer in the lifecycle (lead, prospect, active, inactive, archived), with a reason',
    input: z.strictObject({
      id: customerId,
      status: z.enum(customerStatuses),
      reason: z.string().trim().min(1, 'Give a reason').max(500),
      expectedVersion: z.number().int().positive().optional(),
    }),
    output: customerSchema,
    permission: 'customers.write',
  }),
  'customers.delete': procedure({
    summary: 'Delete a customer created by mistake (others are archived instead)',
    input: z.strictObject({ id: customerId, expectedVersion: z.number().int().positive().optional() }),
    output: z.object({ deleted: z.literal(true) }),
    permission: 'customers.delete',
  }),
  'customers.merge': procedure({
    summary: 'Merge a duplicate into the customer that stays: its history, contacts and activities go along',
    input: z.strictObject({
      /** The duplicate: it leaves the list; its number is not given again. */
      sourceId: customerId,
      /** The customer that stays; it takes what it lacks from the duplicate. */
      targetId: customerId,
      sourceVersion: z.number().int().positive().optional(),
      targetVersion: z.number().int().positive().optional(),
    }),
    output: customerSchema,
    permission: 'customers.delete',
  }),
  'customers.duplicates': procedure({
    summary: 'Customers that are likely the same as the given fields (before saving or importing)',
    input: z.strictObject({
      fields: customerFieldsSchema,
      /** The customer being edited, which is not its own duplicate. */
      excludeId: customerId.optional(),
    }),
    output: z.array(likelyDuplicateSchema),
    permission: 'customers.read',
  }),
  'customers.list': procedure({
    summary: 'List customers, paged and sorted, with an optional text search',
    input: customerListInputSchema,
    output: customerPageSchema,
    permission: 'customers.read',
  }),
  'customers.owners': procedure({
    summary: 'The users of this company who can own customers (for the owner picker)',
    input: z.strictObject({}),
    output: z.array(z.object({ id: z.string(), name: z.string(), email: z.string() })),
    permission: 'customers.read',
  }),
  'customers.history': procedure({
    summary: "A customer's events: who changed what, when",
    input: z.strictObject({ id: customerId }),
    output: z.array(
      z.object({
        /** The event's place in the company's log: orders the entries of merged customers. */
        position: z.number().int(),
        version: z.number().int(),
        type: z.string(),
        at: z.string(),
        userId: z.string().nullable(),
        userName: z.string().nullable(),
        changes: z.record(z.string(), z.unknown()),
        /** For each changed field, its value before this event (null when it was empty). */
        before: z.record(z.string(), z.unknown()),
        /** The number of the customer merged into this one whose event this is (null: this customer's own). */
        mergedFrom: z.string().nullable(),
      }),
    ),
    permission: 'customers.read',
  }),
} as const;
