-- A claim-checked run envelope is recorded by its R2 key (`envelope_key`), where production's
-- runtime reads it, not opened and inlined: sealed, a 1 MiB payload's envelope is past what a D1
-- value holds. Exactly one of `envelope` and `envelope_key` is set. SQLite cannot drop NOT NULL in
-- place, so the table is rebuilt; existing receipts (all inline) are kept.
CREATE TABLE `__new_runtime_receipts` (
	`run_id` text PRIMARY KEY NOT NULL,
	`workflow_id` text NOT NULL,
	`event_id` text NOT NULL,
	`envelope` text,
	`envelope_key` text,
	`received_at` text NOT NULL,
	CONSTRAINT "runtime_receipts_envelope_or_key" CHECK((`envelope` IS NULL) <> (`envelope_key` IS NULL))
);
--> statement-breakpoint
INSERT INTO `__new_runtime_receipts` (`run_id`, `workflow_id`, `event_id`, `envelope`, `received_at`)
	SELECT `run_id`, `workflow_id`, `event_id`, `envelope`, `received_at` FROM `runtime_receipts`;
--> statement-breakpoint
DROP TABLE `runtime_receipts`;
--> statement-breakpoint
ALTER TABLE `__new_runtime_receipts` RENAME TO `runtime_receipts`;
--> statement-breakpoint
CREATE INDEX `runtime_receipts_event` ON `runtime_receipts` (`event_id`);
