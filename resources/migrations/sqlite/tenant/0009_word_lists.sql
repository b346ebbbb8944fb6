-- Each customer's search words in one row (customers.schema.ts); they replace the second index over
-- every word. The projection is rebuilt by a replay at the first open (projection version 5).
-- WITHOUT ROWID: the primary key is the table (hand edit, as in 0006).
CREATE TABLE `customer_word_lists` (
	`sort_key` text NOT NULL,
	`customer_id` text NOT NULL,
	`words` text NOT NULL,
	PRIMARY KEY(`sort_key`, `customer_id`)
) WITHOUT ROWID;
--> statement-breakpoint
DROP INDEX `customer_words_owner_idx`;
