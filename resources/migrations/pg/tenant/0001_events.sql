CREATE TABLE "events" (
	"position" bigserial PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"stream" text NOT NULL,
	"version" integer NOT NULL,
	"type" text NOT NULL,
	"schema_version" integer NOT NULL,
	"data" text NOT NULL,
	"meta" text NOT NULL,
	CONSTRAINT "events_id_unique" UNIQUE("id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "events_stream_version_idx" ON "events" USING btree ("stream","version");