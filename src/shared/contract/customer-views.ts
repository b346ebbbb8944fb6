// Saved views of the customer list: a search, filters, an order and the columns shown, under a
// name, per user. The list screen applies them; `kontor customers export --view NAME` exports one.
import { z } from 'zod';
import { exportQuerySchema, type ExportColumn } from './customer-import';
import { procedure } from './procedure';

/** The columns the list can show (each is an export column too, so a view exports as it looks). */
export const listColumns = [
  'number',
  'name',
  'email',
  'phone',
  'city',
  'country',
  'status',
  'tags',
  'createdAt',
  'updatedAt',
] as const satisfies readonly ExportColumn[];
export type ListColumn = (typeof listColumns)[number];
export const defaultListColumns: readonly ListColumn[] = [
  'number',
  'name',
  'email',
  'phone',
  'city',
  'status',
  'updatedAt',
];

export const savedViewSchema = z.object({
  name: z.string().trim().min(1, 'Give the view a name').max(80),
  query: exportQuerySchema,
  columns: z.array(z.enum(listColumns)).min(1).max(listColumns.length),
});
export type SavedView = z.infer<typeof savedViewSchema>;
export type SavedViewInput = z.input<typeof savedViewSchema>;
/** At most this many saved views per user and company. */
export const MAX_SAVED_VIEWS = 50;

export const customerViewsContract = {
  'customers.views': procedure({
    summary: 'My saved views of the customer list',
    input: z.strictObject({}),
    output: z.array(savedViewSchema),
    permission: 'customers.read',
  }),
  'customers.saveView': procedure({
    summary: 'Save the current search, filters, order and columns as a view (replacing one of the same name)',
    input: z.strictObject(savedViewSchema.shape),
    output: z.array(savedViewSchema),
    permission: 'customers.read',
  }),
  'customers.deleteView': procedure({
    summary: 'Delete one of my saved views',
    input: z.strictObject({ name: z.string().max(80) }),
    output: z.array(savedViewSchema),
    permission: 'customers.read',
  }),
} as const;
