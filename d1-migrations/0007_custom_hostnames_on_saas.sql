-- Custom hostnames provisioned on Cloudflare for SaaS (shared/domains): Cloudflare's id for each,
-- its state in words with Cloudflare's reasons, the DNS records the customer creates, when it was
-- last and is next checked, and when a claim that never became active expires.
ALTER TABLE `custom_hostnames` ADD `cloudflare_id` text;
--> statement-breakpoint
ALTER TABLE `custom_hostnames` ADD `status` text DEFAULT 'pending_dns' NOT NULL;
--> statement-breakpoint
ALTER TABLE `custom_hostnames` ADD `reasons` text DEFAULT '[]' NOT NULL;
--> statement-breakpoint
ALTER TABLE `custom_hostnames` ADD `records` text DEFAULT '[]' NOT NULL;
--> statement-breakpoint
ALTER TABLE `custom_hostnames` ADD `checked_at` text;
--> statement-breakpoint
ALTER TABLE `custom_hostnames` ADD `next_check_at` text;
--> statement-breakpoint
ALTER TABLE `custom_hostnames` ADD `checks` integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE `custom_hostnames` ADD `activated_at` text;
--> statement-breakpoint
ALTER TABLE `custom_hostnames` ADD `expires_at` text;
--> statement-breakpoint
-- Hostnames verified before this change were added at Cloudflare by hand (as README then said): they
-- keep routing, and their first check finds them at Cloudflare by name (or creates them there).
UPDATE `custom_hostnames` SET `status` = 'active', `activated_at` = `verified_at`, `next_check_at` = `created_at` WHERE `verified_at` IS NOT NULL;
--> statement-breakpoint
UPDATE `custom_hostnames` SET `next_check_at` = `created_at`, `expires_at` = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+7 days') WHERE `verified_at` IS NULL;
--> statement-breakpoint
ALTER TABLE `custom_hostnames` DROP COLUMN `verification_token`;
--> statement-breakpoint
ALTER TABLE `custom_hostnames` DROP COLUMN `verified_at`;
--> statement-breakpoint
CREATE INDEX `custom_hostnames_due` ON `custom_hostnames` (`next_check_at`);
--> statement-breakpoint
-- Cloudflare's answer to a 429 (retry-after), kept where every isolate and the cron read it.
CREATE TABLE `cloudflare_api_pause` (
	`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
	`until` text NOT NULL
);
