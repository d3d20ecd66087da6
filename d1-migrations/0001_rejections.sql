CREATE TABLE `rejections` (
	`id` text PRIMARY KEY NOT NULL,
	`webhook_id` text NOT NULL,
	`project_id` text NOT NULL,
	`reason` text NOT NULL,
	`http_status` integer NOT NULL,
	`count` integer NOT NULL,
	`first_at` text NOT NULL,
	`last_at` text NOT NULL,
	`detail` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rejections_webhook_last` ON `rejections` (`webhook_id`,`last_at`);--> statement-breakpoint
CREATE INDEX `rejections_project_last` ON `rejections` (`project_id`,`last_at`);