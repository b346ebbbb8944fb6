-- The projection is rebuilt by a replay at the first open (projection version 4), which fills vat_id.
DROP INDEX `customer_words_customer_idx`;--> statement-breakpoint
CREATE INDEX `customer_words_owner_idx` ON `customer_words` (`sort_key`,`customer_id`,`word`);--> statement-breakpoint
DROP INDEX `customers_sort_name_idx`;--> statement-breakpoint
DROP INDEX `customers_number_idx`;--> statement-breakpoint
DROP INDEX `customers_email_sort_idx`;--> statement-breakpoint
DROP INDEX `customers_city_sort_idx`;--> statement-breakpoint
DROP INDEX `customers_created_at_idx`;--> statement-breakpoint
DROP INDEX `customers_updated_at_idx`;--> statement-breakpoint
ALTER TABLE `customers` ADD `vat_id` text;--> statement-breakpoint
CREATE INDEX `customers_vat_id_idx` ON `customers` (`vat_id`);--> statement-breakpoint
CREATE INDEX `customers_iban_hash_idx` ON `customers` (`iban_hash`);--> statement-breakpoint
CREATE INDEX `customers_sort_name_idx` ON `customers` (`sort_name`,`number`,`id`,`status`);--> statement-breakpoint
CREATE INDEX `customers_number_idx` ON `customers` (`number`,`id`,`status`);--> statement-breakpoint
CREATE INDEX `customers_email_sort_idx` ON `customers` (`email_sort`,`sort_name`,`number`,`id`,`status`);--> statement-breakpoint
CREATE INDEX `customers_city_sort_idx` ON `customers` (`city_sort`,`sort_name`,`number`,`id`,`status`);--> statement-breakpoint
CREATE INDEX `customers_created_at_idx` ON `customers` (`created_at`,`sort_name`,`number`,`id`,`status`);--> statement-breakpoint
CREATE INDEX `customers_updated_at_idx` ON `customers` (`updated_at`,`sort_name`,`number`,`id`,`status`);