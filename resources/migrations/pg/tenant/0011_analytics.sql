CREATE TABLE "analytics_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	"run" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_scores" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"x" integer NOT NULL,
	"days_since_last" integer NOT NULL,
	"revenue" double precision NOT NULL,
	"p_alive" double precision NOT NULL,
	"expected_purchases" double precision NOT NULL,
	"expected_spend" double precision,
	"clv" double precision,
	"recency" integer NOT NULL,
	"frequency" integer NOT NULL,
	"monetary" integer NOT NULL,
	"segment" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "analytics_scores_clv_idx" ON "analytics_scores" USING btree ("clv");--> statement-breakpoint
CREATE INDEX "analytics_scores_p_alive_idx" ON "analytics_scores" USING btree ("p_alive");--> statement-breakpoint
CREATE INDEX "analytics_scores_segment_idx" ON "analytics_scores" USING btree ("segment");