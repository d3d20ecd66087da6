/**
 * A sender that disconnects mid-body: workerd then fails the read of the request body ("Network
 * connection lost."). That is the client's abort, not our fault: no 5xx, no error log, nothing
 * enqueued. The body here is a stream that fails after its first chunk, as workerd's does.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import worker from '../workers/hasp/index';
import type { EventMessage } from '../shared/queue/event-message';
import { CHART_SAMPLE, createProject, createWebhook } from './helpers/fixtures';
import { RecordingQueue, everyEventsShard } from './helpers/queue';
import { standardSignature, webhookUrl } from './helpers/send';

const BODY = new TextEncoder().encode(JSON.stringify({ ...CHART_SAMPLE, notes: 'n'.repeat(4096) }));

/** The body's first `sent` bytes, then the error workerd raises when the client is gone. */
function breakingStream(sent: number): ReadableStream<Uint8Array> {
  let pulls = 0;
  return new ReadableStream({
    pull(controller) {
      if (pulls++ === 0) controller.enqueue(BODY.slice(0, sent));
      else controller.error(new Error('Network connection lost.'));
    },
  });
}

function wholeStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(BODY);
      controller.close();
    },
  });
}

async function postStream(body: ReadableStream<Uint8Array>, declareLength: boolean) {
  const project = await createProject();
  const hook = await createWebhook(project);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...standardSignature(hook.secret, new TextDecoder().decode(BODY)),
  };
  if (declareLength) headers['content-length'] = String(BODY.length);
  const request = new Request(webhookUrl(project.orgSlug, hook.slug), { method: 'POST', headers, body });
  const events = new RecordingQueue<EventMessage>();
  const errors = vi.spyOn(console, 'error');
  const ctx = createExecutionContext();
  const response = await worker.fetch(request as Parameters<typeof worker.fetch>[0], { ...env, ...everyEventsShard(events) }, ctx);
  await waitOnExecutionContext(ctx);
  return { response, events, errors: errors.mock.calls };
}

afterEach(() => vi.restoreAllMocks());

describe('a sender that disconnects mid-body', () => {
  for (const declareLength of [true, false]) {
    const framing = declareLength ? 'with Content-Length' : 'chunked';
    it(`is answered 400 request-aborted, logged as no error, enqueues nothing (${framing})`, async () => {
      const { response, events, errors } = await postStream(breakingStream(1024), declareLength);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toMatchObject({ code: 'request-aborted', status: 400 });
      expect(errors).toEqual([]);
      expect(events.sent).toEqual([]);
    });

    it(`accepts the same signed body when the stream completes (${framing})`, async () => {
      const { response, events, errors } = await postStream(wholeStream(), declareLength);
      expect(response.status, await response.clone().text()).toBe(202);
      expect(events.sent).toHaveLength(1);
      expect(errors).toEqual([]);
    });
  }
});
