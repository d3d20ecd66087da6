-- Per-webhook controls (shared/ingress/ip-allowlist.ts, shared/ingress/rate-limit.ts): a rate
-- limit (both columns null = none) and an IP allowlist (JSON array of normalised CIDR ranges;
-- '[]' = any address). Existing webhooks get neither.
ALTER TABLE `webhooks` ADD `rate_limit_requests` integer;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `rate_limit_period_seconds` integer;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `ip_allowlist` text DEFAULT '[]' NOT NULL;
