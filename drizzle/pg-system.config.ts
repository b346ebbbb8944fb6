// drizzle-kit generates the committed migrations of the system store on pg from the schema files.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/core/tenants/tenants.schema.ts',
  out: './resources/migrations/pg/system',
});
