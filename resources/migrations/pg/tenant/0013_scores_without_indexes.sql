DROP INDEX "analytics_scores_clv_idx";--> statement-breakpoint
DROP INDEX "analytics_scores_p_alive_idx";--> statement-breakpoint
DROP INDEX "analytics_scores_segment_idx";