-- What the stand-in runtime received: one row per run, by run id (a redelivered run adds nothing).
CREATE TABLE `runtime_receipts` (
	`run_id` text PRIMARY KEY NOT NULL,
	`workflow_id` text NOT NULL,
	`event_id` text NOT NULL,
	`envelope` text NOT NULL,
	`received_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `runtime_receipts_event` ON `runtime_receipts` (`event_id`);
