CREATE TABLE `data_keys` (
	`subject` text PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`kek_version` integer NOT NULL,
	`wrapped` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `key_encryption_keys` (
	`version` integer PRIMARY KEY NOT NULL,
	`master_id` text NOT NULL,
	`wrapped` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `customers` ADD `erased_at` text;