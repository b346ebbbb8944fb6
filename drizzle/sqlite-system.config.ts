// drizzle-kit generates the committed migrations of the system store on sqlite from the schema files.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './src/core/tenants/tenants.schema.ts',
  out: './resources/migrations/sqlite/system',
});
