-- Text that is sorted or searched by range compares by bytes (COLLATE "C"), as on SQLite, so both
-- dialects order the same and a prefix range can use the index (hand edit: drizzle-kit has no collations).
CREATE TABLE "customer_words" (
	"word" text COLLATE "C" NOT NULL,
	"rank" smallint NOT NULL,
	"sort_key" text COLLATE "C" NOT NULL,
	"customer_id" uuid NOT NULL,
	CONSTRAINT "customer_words_rank_word_sort_key_customer_id_pk" PRIMARY KEY("rank","word","sort_key","customer_id")
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"number" text COLLATE "C" NOT NULL,
	"kind" text NOT NULL,
	"status" text COLLATE "C" NOT NULL,
	"name" text NOT NULL,
	"sort_name" text COLLATE "C" NOT NULL,
	"email" text COLLATE "C",
	"phone" text,
	"city" text COLLATE "C",
	"country" text,
	"tags" text NOT NULL,
	"owner_id" text,
	"details" text NOT NULL,
	"secrets" text,
	"iban_hash" text,
	"version" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"erased_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sequences" (
	"name" text PRIMARY KEY NOT NULL,
	"next" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX "customer_words_customer_idx" ON "customer_words" USING btree ("customer_id","word");--> statement-breakpoint
CREATE INDEX "customers_sort_name_idx" ON "customers" USING btree ("sort_name","number","id");--> statement-breakpoint
CREATE INDEX "customers_number_idx" ON "customers" USING btree ("number","id");--> statement-breakpoint
CREATE INDEX "customers_email_idx" ON "customers" USING btree ("email","id");--> statement-breakpoint
CREATE INDEX "customers_city_idx" ON "customers" USING btree ("city","id");--> statement-breakpoint
CREATE INDEX "customers_status_idx" ON "customers" USING btree ("status","sort_name","id");--> statement-breakpoint
CREATE INDEX "customers_created_at_idx" ON "customers" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "customers_updated_at_idx" ON "customers" USING btree ("updated_at","id");