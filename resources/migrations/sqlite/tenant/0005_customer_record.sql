CREATE TABLE `customer_words` (
	`word` text NOT NULL,
	`rank` integer NOT NULL,
	`sort_key` text NOT NULL,
	`customer_id` text NOT NULL,
	PRIMARY KEY(`rank`, `word`, `sort_key`, `customer_id`)
);
--> statement-breakpoint
CREATE INDEX `customer_words_customer_idx` ON `customer_words` (`customer_id`,`word`);--> statement-breakpoint
CREATE TABLE `customers` (
	`id` text PRIMARY KEY NOT NULL,
	`number` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`name` text NOT NULL,
	`sort_name` text NOT NULL,
	`email` text,
	`phone` text,
	`city` text,
	`country` text,
	`tags` text NOT NULL,
	`owner_id` text,
	`details` text NOT NULL,
	`secrets` text,
	`iban_hash` text,
	`version` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`erased_at` text
);
--> statement-breakpoint
CREATE INDEX `customers_sort_name_idx` ON `customers` (`sort_name`,`number`,`id`);--> statement-breakpoint
CREATE INDEX `customers_number_idx` ON `customers` (`number`,`id`);--> statement-breakpoint
CREATE INDEX `customers_email_idx` ON `customers` (`email`,`id`);--> statement-breakpoint
CREATE INDEX `customers_city_idx` ON `customers` (`city`,`id`);--> statement-breakpoint
CREATE INDEX `customers_status_idx` ON `customers` (`status`,`sort_name`,`id`);--> statement-breakpoint
CREATE INDEX `customers_created_at_idx` ON `customers` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `customers_updated_at_idx` ON `customers` (`updated_at`,`id`);--> statement-breakpoint
CREATE TABLE `sequences` (
	`name` text PRIMARY KEY NOT NULL,
	`next` integer NOT NULL
);
