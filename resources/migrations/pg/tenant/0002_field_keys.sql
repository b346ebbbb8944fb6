CREATE TABLE "customer_terms" (
	"term" text NOT NULL,
	"customer_id" uuid NOT NULL,
	CONSTRAINT "customer_terms_term_customer_id_pk" PRIMARY KEY("term","customer_id")
);
--> statement-breakpoint
CREATE TABLE "data_keys" (
	"subject" text PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"kek_version" integer NOT NULL,
	"wrapped" text NOT NULL,
	"created_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "key_encryption_keys" (
	"version" integer PRIMARY KEY NOT NULL,
	"master_id" text NOT NULL,
	"wrapped" text NOT NULL,
	"created_at" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "customer_terms_customer_idx" ON "customer_terms" USING btree ("customer_id");