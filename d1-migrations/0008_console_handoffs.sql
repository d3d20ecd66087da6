-- What a console POST hands to the page it redirects to (shared/console/handoffs.ts): a secret made
-- just now, to be shown once, or a form's state (a draft under review, a refusal with what was
-- typed). The value is sealed with the project's data key, bound by its additional data to the row
-- and the session; a secret's is cleared as it is shown. Rows go with their session, and expired
-- ones are swept on every write.
CREATE TABLE `console_handoffs` (
	`id` text PRIMARY KEY NOT NULL,
	`session_hash` text NOT NULL,
	`kind` text NOT NULL,
	`subject` text NOT NULL,
	`sealed` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`taken_at` integer,
	FOREIGN KEY (`session_hash`) REFERENCES `console_sessions`(`id_hash`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `console_handoffs_session` ON `console_handoffs` (`session_hash`);
--> statement-breakpoint
CREATE INDEX `console_handoffs_expires` ON `console_handoffs` (`expires_at`);
