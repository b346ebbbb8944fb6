CREATE TABLE `customers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`email` text,
	`phone` text,
	`city` text,
	`notes` text,
	`sort_name` text NOT NULL,
	`search_text` text NOT NULL,
	`version` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `customers_sort_name_idx` ON `customers` (`sort_name`,`id`);--> statement-breakpoint
CREATE INDEX `customers_created_at_idx` ON `customers` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `customers_updated_at_idx` ON `customers` (`updated_at`,`id`);