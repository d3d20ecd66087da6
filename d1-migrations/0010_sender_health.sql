-- Sender health (shared/health): a webhook's overrides of the issue thresholds (JSON, null = the
-- defaults), and the projects whose health object the cron must visit, with when it is next due:
-- an issue's 30 quiet minutes ending, or a steady sender's quiet period. The cron reads only the
-- rows that are due, so an idle project costs it nothing.
ALTER TABLE `webhooks` ADD `health_thresholds` text;
--> statement-breakpoint
CREATE TABLE `health_watch` (
	`project_id` text PRIMARY KEY NOT NULL,
	`due_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `health_watch_due` ON `health_watch` (`due_at`);
