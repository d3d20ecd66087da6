/** Sends an issue transition to each of the project's notification channels (one queue message per channel). */
import type { IssueNotice } from '../health/types';

export async function announceIssue(_env: Env, _notice: IssueNotice): Promise<void> {
  // Filled in by the notification channels work.
}
