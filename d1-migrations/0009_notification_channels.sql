-- Where a project's sender-health issues are announced (shared/notify): a Standard Webhooks signed
-- outbound webhook or a Slack incoming webhook. Secrets are sealed with the project's data key and
-- bound to the channel: a webhook's signing secrets (`secrets`), a Slack URL (`sealed_url`, shown
-- only as `url_hint`). Channels go with their project.
CREATE TABLE `notification_channels` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`url` text,
	`sealed_url` text,
	`url_hint` text,
	`secrets` text DEFAULT '[]' NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`state` text DEFAULT 'active' NOT NULL,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`last_failure_at` text,
	`last_failure` text,
	`last_success_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `notification_channels_project_created` ON `notification_channels` (`project_id`,`created_at`,`id`);
