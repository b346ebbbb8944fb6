// Companies (tenants) of an installation.
import { z } from 'zod';
import { procedure } from './procedure';

export const tenantSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  createdAt: z.iso.datetime(),
  archivedAt: z.string().nullable(),
});
export type Tenant = z.infer<typeof tenantSchema>;

export const tenantNameSchema = z
  .string()
  .trim()
  .min(1, 'Name is required')
  .max(100)
  .regex(/^[^\p{Cc}]+$/u, 'No control characters');

export const tenantsContract = {
  'tenants.setup': procedure({
    summary: 'Create a company with its own store; does nothing if it exists',
    input: z.strictObject({ name: tenantNameSchema }),
    output: tenantSchema,
    permission: 'installation.manage',
  }),
  'tenants.rename': procedure({
    summary: 'Rename a company you administer',
    input: z.strictObject({ id: z.uuid('Not a valid company id'), name: tenantNameSchema }),
    output: tenantSchema,
    permission: 'tenants.manage',
  }),
  'tenants.archive': procedure({
    summary: 'Archive a company (its data stays; it leaves every company list) or bring it back',
    input: z.strictObject({ id: z.uuid('Not a valid company id'), archived: z.boolean() }),
    output: tenantSchema,
    permission: 'tenants.manage',
  }),
  'tenants.list': procedure({
    summary: 'List the companies you administer (an installation administrator: every company)',
    input: z.strictObject({}),
    output: z.array(tenantSchema),
    permission: 'tenants.manage',
  }),
} as const;
