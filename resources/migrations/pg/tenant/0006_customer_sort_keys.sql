-- Sort keys compare by bytes (COLLATE "C"), as on SQLite (hand edit: drizzle-kit has no collations).
-- The projection is rebuilt by a replay at the first open (projection version 3), which fills them.
DROP INDEX "customers_email_idx";--> statement-breakpoint
DROP INDEX "customers_city_idx";--> statement-breakpoint
DROP INDEX "customers_status_idx";--> statement-breakpoint
DROP INDEX "customers_created_at_idx";--> statement-breakpoint
DROP INDEX "customers_updated_at_idx";--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "email_sort" text COLLATE "C" DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "city_sort" text COLLATE "C" DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX "customers_email_sort_idx" ON "customers" USING btree ("email_sort","sort_name","number","id");--> statement-breakpoint
CREATE INDEX "customers_city_sort_idx" ON "customers" USING btree ("city_sort","sort_name","number","id");--> statement-breakpoint
CREATE INDEX "customers_status_idx" ON "customers" USING btree ("status","sort_name","number","id");--> statement-breakpoint
CREATE INDEX "customers_created_at_idx" ON "customers" USING btree ("created_at","sort_name","number","id");--> statement-breakpoint
CREATE INDEX "customers_updated_at_idx" ON "customers" USING btree ("updated_at","sort_name","number","id");