/**
 * What the consumer tells sender health after a batch: accepted events per webhook and minute, and
 * the shapes of a sample bounded by count and by bytes, so large payloads are not parsed again
 * once per event.
 */
import { describe, expect, it } from 'vitest';
import { SHAPE_BYTES_PER_WEBHOOK, shapesOf, trafficOf } from '../../shared/health/report-accepted';
import type { EventMessage } from '../../shared/queue/event-message';

const encoder = new TextEncoder();

function message(webhookId: string, payload: unknown, receivedAt = '2026-12-07T10:15:30.000Z', claimChecked = false): EventMessage {
  return {
    v: 1,
    event_id: `evt_${crypto.randomUUID().replaceAll('-', '')}`,
    webhook_id: webhookId,
    webhook_slug: 'chart',
    org: 'acme',
    project_id: 'prj_test',
    delivery_id: null,
    received_at: receivedAt,
    ...(claimChecked ? { payload_key: 'events/x/payload' } : { payload_bytes: encoder.encode(JSON.stringify(payload)) }),
  };
}

const summarised = (events: EventMessage[]) => shapesOf(events).reduce((sum, o) => sum + o.eventsSummarised, 0);
const seen = (events: EventMessage[]) => shapesOf(events).reduce((sum, o) => sum + o.eventsSeen, 0);

describe('the consumer’s report to sender health', () => {
  it('counts accepted events per webhook and minute of receipt', () => {
    const events = [message('wh_a', {}, '2026-12-07T10:15:01.000Z'), message('wh_a', {}, '2026-12-07T10:15:59.000Z'), message('wh_a', {}, '2026-12-07T10:16:00.000Z'), message('wh_b', {})];
    const minute = Math.floor(Date.parse('2026-12-07T10:15:00.000Z') / 60_000);
    expect(trafficOf(events, Date.now())).toEqual([
      { webhookId: 'wh_a', minute, accepted: 2 },
      { webhookId: 'wh_a', minute: minute + 1, accepted: 1 },
      { webhookId: 'wh_b', minute, accepted: 1 },
    ]);
  });

  it('summarises at most 20 small events of a webhook, and every event is seen', () => {
    const events = Array.from({ length: 100 }, (_, i) => message('wh_a', { patient_id: `p${i}`, note: 'x'.repeat(900) }));
    expect(summarised(events)).toBe(20);
    expect(seen(events)).toBe(100);
  });

  it('summarises only as many large events as its byte budget holds, and at least one', () => {
    const bundle = { resourceType: 'Bundle', entry: Array.from({ length: 600 }, (_, i) => ({ resource: { id: `r${i}`, text: 'y'.repeat(90) } })) };
    const size = JSON.stringify(bundle).length;
    expect(size).toBeGreaterThan(60_000);
    const events = Array.from({ length: 10 }, () => message('wh_a', bundle));
    expect(summarised(events)).toBe(Math.floor(SHAPE_BYTES_PER_WEBHOOK / size));
    const huge = { blob: 'z'.repeat(200_000) };
    expect(summarised([message('wh_b', huge), message('wh_b', huge)])).toBe(1);
  });

  it('never reads a claim-checked payload again: seen, not summarised', () => {
    const events = [message('wh_a', null, undefined, true), message('wh_a', { a: 1 })];
    const [observation] = shapesOf(events);
    expect(observation).toMatchObject({ webhookId: 'wh_a', eventsSeen: 2, eventsSummarised: 1 });
  });
});
