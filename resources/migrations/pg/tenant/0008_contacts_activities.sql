CREATE TABLE "customer_contacts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"name" text NOT NULL,
	"sort_name" text NOT NULL,
	"is_primary" integer NOT NULL,
	"secrets" text,
	"version" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"erased_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "customer_activities" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"due_date" text,
	"assignee_id" text,
	"done_at" timestamp with time zone,
	"created_by" text,
	"content" text,
	"version" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "customer_contacts_customer_idx" ON "customer_contacts" USING btree ("customer_id","sort_name","id");--> statement-breakpoint
CREATE INDEX "customer_activities_customer_idx" ON "customer_activities" USING btree ("customer_id","occurred_at");--> statement-breakpoint
CREATE INDEX "customer_activities_open_idx" ON "customer_activities" USING btree ("assignee_id","done_at","due_date");--> statement-breakpoint
CREATE INDEX "customer_activities_open_customer_idx" ON "customer_activities" USING btree ("customer_id","kind","done_at");