// The sales ledger: orders, invoices and credit notes per customer. Amounts are integers in minor
// units (cents), quantities decimal text with up to three places, VAT rates in basis points
// (1900 = 19 %); totals are computed in the main process (VAT per rate per document), never sent.
import { z } from 'zod';
import { inspectionOf, rejectedRowSchema } from './customer-import';
import { currencySchema, isoTime } from './customers';
import { procedure } from './procedure';

export const saleKinds = ['order', 'invoice', 'credit_note'] as const;
export type SaleKind = (typeof saleKinds)[number];
/** What a user creates by hand; a credit note is made from the invoice it reverses (`sales.credit`). */
export const newSaleKinds = ['order', 'invoice'] as const;

/**
 * draft → issued (gets its number) → paid; a draft or an order can be cancelled; an issued invoice
 * is reversed by a credit note instead (it then reads cancelled, and names the credit note).
 */
export const saleStatuses = ['draft', 'issued', 'paid', 'cancelled'] as const;
export type SaleStatus = (typeof saleStatuses)[number];

const day = z.iso.date('A date reads YYYY-MM-DD');
const cents = z.number().int('An amount is a whole number of cents').min(-1e13).max(1e13);

export const saleLineSchema = z.strictObject({
  description: z.string().trim().min(1, 'Describe the line').max(500),
  /** Up to three decimal places; negative for a returned item. */
  quantity: z
    .string()
    .trim()
    .regex(/^-?\d{1,9}(\.\d{1,3})?$/, 'A quantity has at most three decimal places')
    .default('1'),
  unit: z.string().trim().max(20).nullable().optional(),
  /** Cents per unit. */
  unitPrice: cents,
  /** Basis points: 1900 is 19 %. */
  vatRate: z.number().int().min(0).max(10_000, 'A VAT rate is at most 100 %'),
});
export type SaleLineInput = z.input<typeof saleLineSchema>;
export type SaleLine = z.output<typeof saleLineSchema>;

export const saleFieldsSchema = z.strictObject({
  kind: z.enum(newSaleKinds),
  customerId: z.uuid('Not a valid customer id'),
  date: day,
  currency: currencySchema.default('EUR'),
  lines: z.array(saleLineSchema).min(1, 'A document has at least one line').max(500),
  /** Issue it at once (numbered); otherwise it stays a draft. */
  issue: z.boolean().default(false),
});
export type SaleFields = z.input<typeof saleFieldsSchema>;
export type ParsedSaleFields = z.output<typeof saleFieldsSchema>;

export const saleSchema = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  kind: z.enum(saleKinds),
  /** Given when the document is issued; null for drafts. */
  number: z.string().nullable(),
  date: z.string(),
  currency: z.string(),
  status: z.enum(saleStatuses),
  lines: z.array(
    z.object({
      description: z.string(),
      quantity: z.string(),
      unit: z.string().nullable(),
      unitPrice: z.number().int(),
      vatRate: z.number().int(),
      net: z.number().int(),
    }),
  ),
  /** Per VAT rate, highest first: the net and its VAT. */
  rates: z.array(z.object({ vatRate: z.number().int(), net: z.number().int(), vat: z.number().int() })),
  net: z.number().int(),
  vat: z.number().int(),
  gross: z.number().int(),
  /** A credit note: the invoice it reverses. */
  reverses: z.string().nullable(),
  /** An invoice: the credit note that reversed it. */
  reversedBy: z.string().nullable(),
  createdBy: z.string().nullable(),
  version: z.number().int().positive(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type Sale = z.infer<typeof saleSchema>;

export const saleListInputSchema = z.strictObject({
  customerId: z.uuid('Not a valid customer id').optional(),
  kind: z.enum(saleKinds).optional(),
  status: z.enum(saleStatuses).optional(),
  /** Document dates from … to, inclusive. */
  from: day.optional(),
  to: day.optional(),
  /** The start of a document number. */
  number: z.string().trim().max(40).optional(),
  limit: z.number().int().min(1).max(500).default(100),
  /** The `next` of the page before. */
  cursor: z.strictObject({ date: day, id: z.uuid() }).optional(),
});
export type SaleListInput = z.input<typeof saleListInputSchema>;

export const saleTotalsSchema = z.object({
  kind: z.enum(saleKinds),
  currency: z.string(),
  count: z.number().int().nonnegative(),
  net: z.number().int(),
  vat: z.number().int(),
  gross: z.number().int(),
});
export type SaleTotals = z.infer<typeof saleTotalsSchema>;

export const salePageSchema = z.object({
  items: z.array(saleSchema),
  /**
   * Every document the filters find (not only this page), per kind and currency. Drafts and
   * cancelled documents are not summed, except invoices reversed by a credit note: the invoice and
   * its credit note both count, each in its own period, as the books have them.
   */
  totals: z.array(saleTotalsSchema),
  next: z.object({ date: z.string(), id: z.string() }).nullable(),
  /** The number and name of each customer on the page, by id. */
  customers: z.record(z.string(), z.object({ number: z.string(), name: z.string() })),
});
export type SalePage = z.infer<typeof salePageSchema>;

/** What a column of a transactions file can fill. */
export const saleImportFields = [
  'customer',
  'customerName',
  'date',
  'amount',
  'quantity',
  'number',
  'description',
] as const;
export type SaleImportField = (typeof saleImportFields)[number];

/** Column header → field; a column left out (or mapped to null) is not imported. */
export const saleImportMappingSchema = z.record(z.string().max(200), z.enum(saleImportFields).nullable()).refine(
  (mapping) => {
    const fields = Object.values(mapping).filter((field) => field !== null);
    return new Set(fields).size === fields.length;
  },
  { message: 'Each field can be filled from one column only' },
);
export type SaleImportMapping = z.infer<typeof saleImportMappingSchema>;

export const saleImportInspectionSchema = inspectionOf(saleImportFields);
export type SaleImportInspection = z.infer<typeof saleImportInspectionSchema>;

export const saleImportInputSchema = z.strictObject({
  fileId: z.string().min(1).max(100),
  /** `csv`: a CSV or XLSX file with a header; `cdnow`: the CDNOW transaction format (no header). */
  format: z.enum(['csv', 'cdnow']).default('csv'),
  /** CSV: which column fills which field; without one, the headers are read (Kunde, Datum, Betrag, …). */
  mapping: saleImportMappingSchema.optional(),
  /** Create a customer for a reference no customer number matches (the reference becomes its number). */
  createCustomers: z.boolean().default(false),
  /** The currency of the amounts; CDNOW's default is USD. */
  currency: currencySchema.optional(),
  /** The VAT rate of the amounts (net amounts), in basis points. */
  vatRate: z.number().int().min(0).max(10_000).default(0),
  mode: z.enum(['all', 'valid']).default('all'),
  dryRun: z.boolean().default(false),
});
export type SaleImportInput = z.input<typeof saleImportInputSchema>;

export const saleImportResultSchema = z.object({
  dryRun: z.boolean(),
  mode: z.enum(['all', 'valid']),
  /** Rows read (transactions), without empty rows. */
  rows: z.number().int().nonnegative(),
  /** Documents stored (0 on a dry run, and in mode `all` when a row was rejected). */
  imported: z.number().int().nonnegative(),
  /** Customers made for references no customer had (counted on a dry run too: what would be made). */
  customersCreated: z.number().int().nonnegative(),
  rejected: z.array(rejectedRowSchema),
});
export type SaleImportResult = z.infer<typeof saleImportResultSchema>;

const saleId = z.uuid('Not a valid document id');
const expectedVersion = z.number().int().positive().optional();

export const salesContract = {
  'sales.inspectImport': procedure({
    summary: 'Read the header and first rows of a transactions file, with a guess of the column mapping',
    input: z.strictObject({ fileId: z.string().min(1).max(100) }),
    output: saleImportInspectionSchema,
    permission: 'customers.write',
  }),
  'sales.create': procedure({
    summary: 'Create an order or an invoice for a customer (a draft, or issued at once)',
    input: z.strictObject({ fields: saleFieldsSchema }),
    output: saleSchema,
    permission: 'customers.write',
  }),
  'sales.get': procedure({
    summary: 'One sales document',
    input: z.strictObject({ id: saleId }),
    output: saleSchema,
    permission: 'customers.read',
  }),
  'sales.list': procedure({
    summary: 'Sales documents, newest first, with the totals of everything the filters find',
    input: saleListInputSchema,
    output: salePageSchema,
    permission: 'customers.read',
  }),
  'sales.update': procedure({
    summary: 'Change a draft: its date, currency or lines',
    input: z.strictObject({
      id: saleId,
      expectedVersion,
      changes: saleFieldsSchema
        .pick({ date: true, lines: true })
        .extend({ currency: currencySchema })
        .partial()
        .refine((c) => Object.keys(c).length > 0, 'Name at least one field'),
    }),
    output: saleSchema,
    permission: 'customers.write',
  }),
  'sales.issue': procedure({
    summary: 'Issue a draft: it gets the next number and can no longer be changed',
    input: z.strictObject({ id: saleId, expectedVersion }),
    output: saleSchema,
    permission: 'customers.write',
  }),
  'sales.setPaid': procedure({
    summary: 'Mark an issued invoice paid, or unpaid again',
    input: z.strictObject({ id: saleId, paid: z.boolean(), expectedVersion }),
    output: saleSchema,
    permission: 'customers.write',
  }),
  'sales.cancel': procedure({
    summary: 'Cancel a draft or an order (an issued invoice is reversed by a credit note)',
    input: z.strictObject({ id: saleId, expectedVersion }),
    output: saleSchema,
    permission: 'customers.write',
  }),
  'sales.import': procedure({
    summary: 'Import transactions (customer, date, amount) from a CSV, XLSX or CDNOW file as paid invoices',
    input: saleImportInputSchema,
    output: saleImportResultSchema,
    permission: 'customers.write',
  }),
  'sales.credit': procedure({
    summary: 'Reverse an issued invoice with a credit note of all its lines',
    input: z.strictObject({ id: saleId, date: day.optional(), expectedVersion }),
    output: z.object({ invoice: saleSchema, creditNote: saleSchema }),
    permission: 'customers.write',
  }),
} as const;
