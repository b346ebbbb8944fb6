CREATE TABLE "server_sessions" (
	"connection" text PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"user_id" text NOT NULL,
	"snapshot" text NOT NULL,
	"created_at" text NOT NULL,
	"last_activity" text NOT NULL,
	"locked" integer DEFAULT 0 NOT NULL,
	"validated_at" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "server_sessions_user_idx" ON "server_sessions" USING btree ("user_id");