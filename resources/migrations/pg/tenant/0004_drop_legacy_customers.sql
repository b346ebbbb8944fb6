DROP TABLE "customer_terms" CASCADE;--> statement-breakpoint
DROP TABLE "customers" CASCADE;