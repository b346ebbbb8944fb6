// drizzle-kit generates the committed migrations of the tenant store on sqlite from the schema files.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: [
    './src/core/settings/settings.schema.ts',
    './src/core/customers/customers.schema.ts',
    './src/core/contacts/contacts.schema.ts',
    './src/core/activities/activities.schema.ts',
    './src/core/sales/sales.schema.ts',
    './src/core/analytics/analytics.schema.ts',
    './src/core/events/events.schema.ts',
    './src/core/crypto/keys.schema.ts',
  ],
  out: './resources/migrations/sqlite/tenant',
});
