CREATE TABLE `sales_documents` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`kind` text NOT NULL,
	`number` text,
	`date` text NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`net` integer NOT NULL,
	`vat` integer NOT NULL,
	`gross` integer NOT NULL,
	`lines` text NOT NULL,
	`reverses` text,
	`reversed_by` text,
	`created_by` text,
	`version` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sales_documents_customer_idx` ON `sales_documents` (`customer_id`,`date`,`id`);--> statement-breakpoint
CREATE INDEX `sales_documents_date_idx` ON `sales_documents` (`date`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `sales_documents_number_idx` ON `sales_documents` (`kind`,`number`);