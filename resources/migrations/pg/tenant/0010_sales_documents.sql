CREATE TABLE "sales_documents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"number" text,
	"date" text NOT NULL,
	"currency" text NOT NULL,
	"status" text NOT NULL,
	"net" bigint NOT NULL,
	"vat" bigint NOT NULL,
	"gross" bigint NOT NULL,
	"lines" text NOT NULL,
	"reverses" uuid,
	"reversed_by" uuid,
	"created_by" text,
	"version" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "sales_documents_customer_idx" ON "sales_documents" USING btree ("customer_id","date","id");--> statement-breakpoint
CREATE INDEX "sales_documents_date_idx" ON "sales_documents" USING btree ("date","id");--> statement-breakpoint
CREATE UNIQUE INDEX "sales_documents_number_idx" ON "sales_documents" USING btree ("kind","number");