DROP TABLE `runs`;--> statement-breakpoint
DROP TABLE `events`;--> statement-breakpoint
DROP TABLE `rejections`;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `payload_retention_days` integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `metadata_retention_days` integer DEFAULT 90 NOT NULL;
