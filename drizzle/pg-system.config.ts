// drizzle-kit generates the committed migrations of the system store on pg from the schema files.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: [
    './src/core/settings/settings.schema.ts',
    './src/core/tenants/tenants.schema.ts',
    './src/core/auth/auth.schema.ts',
    './src/core/auth/sessions.schema.ts',
    './src/core/audit/audit.schema.ts',
    './src/core/mail/mail.schema.ts',
    './src/server/files.schema.ts',
  ],
  out: './resources/migrations/pg/system',
});
