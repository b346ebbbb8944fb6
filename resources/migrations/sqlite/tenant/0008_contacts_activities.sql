CREATE TABLE `customer_contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`name` text NOT NULL,
	`sort_name` text NOT NULL,
	`is_primary` integer NOT NULL,
	`secrets` text,
	`version` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`erased_at` text
);
--> statement-breakpoint
CREATE INDEX `customer_contacts_customer_idx` ON `customer_contacts` (`customer_id`,`sort_name`,`id`);--> statement-breakpoint
CREATE TABLE `customer_activities` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`kind` text NOT NULL,
	`occurred_at` text NOT NULL,
	`due_date` text,
	`assignee_id` text,
	`done_at` text,
	`created_by` text,
	`content` text,
	`version` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `customer_activities_customer_idx` ON `customer_activities` (`customer_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `customer_activities_open_idx` ON `customer_activities` (`assignee_id`,`done_at`,`due_date`);--> statement-breakpoint
CREATE INDEX `customer_activities_open_customer_idx` ON `customer_activities` (`customer_id`,`kind`,`done_at`);