CREATE TABLE "server_file_chunks" (
	"file_id" text NOT NULL,
	"seq" integer NOT NULL,
	"data" text NOT NULL,
	CONSTRAINT "server_file_chunks_file_id_seq_pk" PRIMARY KEY("file_id","seq")
);
--> statement-breakpoint
CREATE TABLE "server_files" (
	"id" text PRIMARY KEY NOT NULL,
	"connection" text NOT NULL,
	"access" text NOT NULL,
	"name" text NOT NULL,
	"size" integer,
	"created_at" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "server_files_created_idx" ON "server_files" USING btree ("created_at");