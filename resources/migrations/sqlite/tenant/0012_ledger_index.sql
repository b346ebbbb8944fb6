DROP INDEX `sales_documents_customer_idx`;--> statement-breakpoint
CREATE INDEX `sales_documents_customer_idx` ON `sales_documents` (`customer_id`,`date`,`kind`,`status`,`currency`,`net`,`reverses`);