/** Drives the queue handler directly, as workers-sdk's queue-consumer examples do. */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import worker from '../../workers/hasp/index';
import type { EventMessage } from '../../shared/queue/event-message';
import { EVENTS_QUEUE } from '../../shared/queue/names';
import { randomId } from '../../shared/ids';
import { CHART_SAMPLE, type TestProject, type TestWebhook } from './fixtures';

export function eventMessage(project: TestProject, hook: TestWebhook, overrides: Partial<EventMessage> = {}): EventMessage {
  return {
    v: 1,
    event_id: randomId('evt'),
    webhook_id: hook.id,
    webhook_slug: hook.slug,
    org: project.orgSlug,
    project_id: project.projectId,
    delivery_id: null,
    received_at: new Date().toISOString(),
    payload_json: JSON.stringify(CHART_SAMPLE),
    ...overrides,
  };
}

/** Hands `messages` to the Worker's queue handler as one batch; `bindings` replace the test env's. */
export async function deliver(messages: EventMessage[], queue = EVENTS_QUEUE, attempts = 1, bindings: Partial<Env> = {}) {
  const batch = createMessageBatch<EventMessage>(
    queue,
    messages.map((body, i) => ({ id: `msg-${i}-${body.event_id}`, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, ...bindings }, ctx);
  return getQueueResult(batch, ctx);
}

/**
 * A queue binding that keeps what is sent to it, in place of a real one: a test can then say
 * that nothing was sent, at once, instead of waiting to see whether something arrives.
 */
export class RecordingQueue<Body> implements Queue<Body> {
  readonly sent: Body[] = [];

  async metrics(): Promise<QueueMetrics> {
    return { backlogCount: 0, backlogBytes: 0 };
  }

  async send(message: Body): Promise<QueueSendResponse> {
    this.sent.push(message);
    return { metadata: { metrics: { backlogCount: this.sent.length, backlogBytes: 0 } } };
  }

  async sendBatch(messages: Iterable<MessageSendRequest<Body>>): Promise<QueueSendBatchResponse> {
    for (const m of messages) this.sent.push(m.body);
    return { metadata: { metrics: { backlogCount: this.sent.length, backlogBytes: 0 } } };
  }
}

export async function runsOf(eventId: string): Promise<{ id: string; workflow_id: string; status: string }[]> {
  const { results } = await env.DB.prepare('SELECT id, workflow_id, status FROM runs WHERE event_id = ? ORDER BY workflow_id').bind(eventId).all<{
    id: string;
    workflow_id: string;
    status: string;
  }>();
  return results;
}

/** What the stand-in runtime (workers/runtime-standin) recorded for the event's runs, from its own database. */
export async function receiptsOf(eventId: string): Promise<{ run_id: string; envelope: string }[]> {
  const { results } = await env.RUNTIME_RECEIPTS.prepare('SELECT run_id, envelope FROM runtime_receipts WHERE event_id = ? ORDER BY run_id').bind(eventId).all<{
    run_id: string;
    envelope: string;
  }>();
  return results;
}

export async function eventStatus(eventId: string): Promise<string | null> {
  const row = await env.DB.prepare('SELECT status FROM events WHERE id = ?').bind(eventId).first<{ status: string }>();
  return row?.status ?? null;
}
