-- Each customer's search words in one row (customers.schema.ts); they replace the second index over
-- every word. The projection is rebuilt by a replay at the first open (projection version 5). Sort
-- keys compare by bytes (COLLATE "C", hand edit as in 0006).
CREATE TABLE "customer_word_lists" (
	"sort_key" text COLLATE "C" NOT NULL,
	"customer_id" uuid NOT NULL,
	"words" text NOT NULL,
	CONSTRAINT "customer_word_lists_sort_key_customer_id_pk" PRIMARY KEY("sort_key","customer_id")
);
--> statement-breakpoint
DROP INDEX "customer_words_owner_idx";
