CREATE TABLE `analytics_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`computed_at` text NOT NULL,
	`run` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `analytics_scores` (
	`customer_id` text PRIMARY KEY NOT NULL,
	`x` integer NOT NULL,
	`days_since_last` integer NOT NULL,
	`revenue` real NOT NULL,
	`p_alive` real NOT NULL,
	`expected_purchases` real NOT NULL,
	`expected_spend` real,
	`clv` real,
	`recency` integer NOT NULL,
	`frequency` integer NOT NULL,
	`monetary` integer NOT NULL,
	`segment` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `analytics_scores_clv_idx` ON `analytics_scores` (`clv`);--> statement-breakpoint
CREATE INDEX `analytics_scores_p_alive_idx` ON `analytics_scores` (`p_alive`);--> statement-breakpoint
CREATE INDEX `analytics_scores_segment_idx` ON `analytics_scores` (`segment`);