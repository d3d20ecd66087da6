/** What a workflow run receives, exactly as the product contract (CONTRACT.md, "Fan-out") shows it. */
export interface RunEnvelope {
  event_id: string;
  run_id: string;
  workflow_id: string;
  webhook: { id: string; slug: string; org: string; project: string };
  received_at: string;
  delivery_id: string | null;
  payload: unknown;
  input: unknown;
}
