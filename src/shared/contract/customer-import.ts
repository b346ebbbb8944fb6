// Importing customers from a CSV or XLSX file: which fields a column can fill, how the columns of a
// file map to them, and what an import reports. The file itself is named by a grant (`fileId`): the
// host hands out one per file the user chose (the CLI for its argument, the desktop for the file
// picked in the open dialog), so a caller can only import files the user chose, never any path.
import { z } from 'zod';
import { customerListInputSchema } from './customers';
import { procedure } from './procedure';

/** The fields a column can fill; addresses, bank account and payment terms by their parts. */
export const importFields = [
  'kind',
  'name',
  'firstName',
  'lastName',
  'legalForm',
  'vatId',
  'taxNumber',
  'email',
  'phone',
  'mobile',
  'fax',
  'website',
  'street',
  'postalCode',
  'city',
  'country',
  'shippingStreet',
  'shippingPostalCode',
  'shippingCity',
  'shippingCountry',
  'iban',
  'bic',
  'accountHolder',
  'paymentDays',
  'discountPercent',
  'discountDays',
  'creditLimit',
  'currency',
  'language',
  'tags',
  'notes',
  'status',
] as const;
export type ImportField = (typeof importFields)[number];

/** Column header → field; a column left out (or mapped to null) is not imported. */
export const importMappingSchema = z.record(z.string().max(200), z.enum(importFields).nullable()).refine(
  (mapping) => {
    const fields = Object.values(mapping).filter((field) => field !== null);
    return new Set(fields).size === fields.length;
  },
  { message: 'Each field can be filled from one column only' },
);
export type ImportMapping = z.infer<typeof importMappingSchema>;

/** A mapping kept under a name, to use again for the next file of the same kind. */
export const savedMappingSchema = z.object({
  name: z.string().trim().min(1, 'Give the mapping a name').max(80),
  mapping: importMappingSchema,
});
export type SavedMapping = z.infer<typeof savedMappingSchema>;
/** At most this many saved mappings per company. */
export const MAX_SAVED_MAPPINGS = 50;

export const importModes = ['all', 'valid'] as const;
export type ImportMode = (typeof importModes)[number];

export const rejectedRowSchema = z.object({
  /** The row as the spreadsheet numbers it (the header is row 1). */
  row: z.number().int().positive(),
  /** The column's header, or null when the problem is the whole row. */
  column: z.string().nullable(),
  reason: z.string(),
});
export type RejectedRow = z.infer<typeof rejectedRowSchema>;

const fileId = z.string().min(1).max(100);

/** What an import dialog shows of a file before importing it: format, header, first rows, a guessed mapping. */
export const inspectionOf = <const F extends readonly [string, ...string[]]>(fields: F) =>
  z.object({
    format: z.enum(['csv', 'xlsx']),
    encoding: z.enum(['utf-8', 'windows-1252']).nullable(),
    delimiter: z.enum([',', ';', '\t']).nullable(),
    header: z.array(z.string()),
    /** The first rows as text, for the preview. */
    preview: z.array(z.array(z.string())),
    /** Columns whose header names a field in English or German, mapped. */
    guess: z.record(z.string(), z.enum(fields).nullable()),
  });

export const importInspection = inspectionOf(importFields);
export type ImportInspection = z.infer<typeof importInspection>;

export const importResultSchema = z.object({
  dryRun: z.boolean(),
  mode: z.enum(importModes),
  /** Rows read (after the header, without empty rows). */
  rows: z.number().int().nonnegative(),
  /** Customers created (0 on a dry run, and in mode `all` when a row was rejected). */
  imported: z.number().int().nonnegative(),
  /** Every problem found, one entry per row and column. */
  rejected: z.array(rejectedRowSchema),
  /** Where the rejected rows were written (mode `valid`, when asked for). */
  rejectedFile: z.string().nullable(),
});
export type ImportResult = z.infer<typeof importResultSchema>;

/** The columns an export can have: the number, every field an import reads, and the dates. */
export const exportColumns = ['number', ...importFields, 'createdAt', 'updatedAt'] as const;
export type ExportColumn = (typeof exportColumns)[number];

/**
 * The columns' names in English and German: the headers of an export and the field names of the
 * import's mapping. The import's guess recognises every one of them, so an export imports again.
 */
export const columnLabels: Readonly<Record<'de' | 'en', Readonly<Record<ExportColumn, string>>>> = {
  en: {
    number: 'Number',
    kind: 'Kind',
    name: 'Name',
    firstName: 'First name',
    lastName: 'Last name',
    legalForm: 'Legal form',
    vatId: 'VAT ID',
    taxNumber: 'Tax number',
    email: 'Email',
    phone: 'Phone',
    mobile: 'Mobile',
    fax: 'Fax',
    website: 'Website',
    street: 'Street',
    postalCode: 'Postal code',
    city: 'City',
    country: 'Country',
    shippingStreet: 'Shipping street',
    shippingPostalCode: 'Shipping postal code',
    shippingCity: 'Shipping city',
    shippingCountry: 'Shipping country',
    iban: 'IBAN',
    bic: 'BIC',
    accountHolder: 'Account holder',
    paymentDays: 'Payment days',
    discountPercent: 'Discount percent',
    discountDays: 'Discount days',
    creditLimit: 'Credit limit',
    currency: 'Currency',
    language: 'Language',
    tags: 'Tags',
    notes: 'Notes',
    status: 'Status',
    createdAt: 'Created',
    updatedAt: 'Changed',
  },
  de: {
    number: 'Nummer',
    kind: 'Art',
    name: 'Name',
    firstName: 'Vorname',
    lastName: 'Nachname',
    legalForm: 'Rechtsform',
    vatId: 'USt-IdNr.',
    taxNumber: 'Steuernummer',
    email: 'E-Mail',
    phone: 'Telefon',
    mobile: 'Mobil',
    fax: 'Fax',
    website: 'Website',
    street: 'Straße',
    postalCode: 'PLZ',
    city: 'Ort',
    country: 'Land',
    shippingStreet: 'Lieferadresse Straße',
    shippingPostalCode: 'Lieferadresse PLZ',
    shippingCity: 'Lieferadresse Ort',
    shippingCountry: 'Lieferadresse Land',
    iban: 'IBAN',
    bic: 'BIC',
    accountHolder: 'Kontoinhaber',
    paymentDays: 'Zahlungsziel',
    discountPercent: 'Skonto',
    discountDays: 'Skontotage',
    creditLimit: 'Kreditlimit',
    currency: 'Währung',
    language: 'Sprache',
    tags: 'Schlagworte',
    notes: 'Notizen',
    status: 'Status',
    createdAt: 'Angelegt',
    updatedAt: 'Geändert',
  },
};

/** Which customers an export holds, in which order: the list's own filters, search and sort. */
export const exportQuerySchema = customerListInputSchema.omit({ limit: true, position: true, cursor: true });
export type ExportQuery = z.input<typeof exportQuerySchema>;

export const exportResultSchema = z.object({
  rows: z.number().int().nonnegative(),
  /** Where the file was written. */
  file: z.string(),
});
export type ExportResult = z.infer<typeof exportResultSchema>;

export const customerImportContract = {
  'customers.inspectImport': procedure({
    summary: 'Read the header and first rows of a file to import, with a guess of the column mapping',
    input: z.strictObject({ fileId }),
    output: importInspection,
    permission: 'customers.write',
  }),
  'customers.import': procedure({
    summary: 'Import customers from a CSV or XLSX file (dry run, all-or-nothing or valid rows only)',
    input: z.strictObject({
      fileId,
      /** Without a mapping, the guess from the headers is used. */
      mapping: importMappingSchema.optional(),
      mode: z.enum(importModes).default('all'),
      dryRun: z.boolean().default(false),
      /** Import rows that look like an existing customer (same VAT ID, email, IBAN, or name and city). */
      allowDuplicates: z.boolean().default(false),
      /** Mode `valid`: write the rejected rows, with their reasons, to this file grant. */
      rejectsFileId: fileId.optional(),
    }),
    output: importResultSchema,
    permission: 'customers.write',
  }),
  'customers.importMappings': procedure({
    summary: "The company's saved column mappings for imports",
    input: z.strictObject({}),
    output: z.array(savedMappingSchema),
    permission: 'customers.write',
  }),
  'customers.saveImportMapping': procedure({
    summary: 'Save a column mapping under a name (replacing one of the same name)',
    input: z.strictObject(savedMappingSchema.shape),
    output: z.array(savedMappingSchema),
    permission: 'customers.write',
  }),
  'customers.deleteImportMapping': procedure({
    summary: 'Delete a saved column mapping',
    input: z.strictObject({ name: z.string().max(80) }),
    output: z.array(savedMappingSchema),
    permission: 'customers.write',
  }),
  'customers.export': procedure({
    summary: 'Export the customers of a view (filters, search, order, columns) to CSV or XLSX',
    input: z.strictObject({
      /** The file to write: a grant for the file the user chose to save. */
      fileId,
      format: z.enum(['csv', 'xlsx']),
      /** Headers and values (kind, status) in this language; German CSV separates with `;` and writes decimal commas. */
      language: z.enum(['de', 'en']).default('en'),
      query: exportQuerySchema.default({ sort: 'name', direction: 'asc' }),
      /** The columns, in order; all of them when left out. */
      columns: z.array(z.enum(exportColumns)).min(1).max(exportColumns.length).optional(),
    }),
    output: exportResultSchema,
    permission: 'customers.read',
  }),
} as const;
