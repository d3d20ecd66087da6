/**
 * The minimal workflow runtime: a Cloudflare Workflow whose instance id is the run id. It records
 * each run it receives, which is what the fan-out hands over and what tests read back.
 */
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from 'cloudflare:workers';
import { createDb } from '../db/client';
import { runtimeReceipts } from '../db/schema';
import type { RunEnvelope } from '../fanout/envelope';

export class RunRecorder extends WorkflowEntrypoint<Env, RunEnvelope> {
  override async run(event: WorkflowEvent<RunEnvelope>, step: WorkflowStep): Promise<void> {
    const envelope = event.payload;
    await step.do('record receipt', async () => {
      await createDb(this.env.DB)
        .insert(runtimeReceipts)
        .values({
          runId: envelope.run_id,
          workflowId: envelope.workflow_id,
          eventId: envelope.event_id,
          envelope: JSON.stringify(envelope),
          receivedAt: event.timestamp.toISOString(),
        })
        .onConflictDoNothing();
    });
  }
}
