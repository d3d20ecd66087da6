/**
 * `/v1/replays`: bulk replay of events by filter as a job with progress, run a page at a time on the
 * replays queue, restartable without starting any run twice.
 */
import { createExecutionContext, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createControlApp } from '../../shared/control/app';
import { createDb } from '../../shared/db/client';
import { replayJobs } from '../../shared/db/schema';
import { WebhookResolver } from '../../shared/ingress/webhook-resolver';
import type { EventMessage } from '../../shared/queue/event-message';
import type { RunMessage } from '../../shared/queue/run-message';
import { pageMessage, type ReplayPageMessage } from '../../shared/replay/message';
import { REPLAY_PAGE_SIZE } from '../../shared/replay/page';
import { masterKeyFor } from '../../shared/secrets/master-key';
import {
  api,
  apiProblem,
  auditLog,
  createWebhookViaApi,
  createWorkflowViaApi,
  dispatchedEvent,
  errorPaths,
  sendToWebhook,
  tokenIdOf,
  type EventView,
  type Page,
  type WebhookBody,
} from '../helpers/control-api';
import { CHART_SAMPLE, createProject, createWebhook, createWorkflow, type TestProject, type TestWebhook } from '../helpers/fixtures';
import { RecordingQueue, deadLettersOf, deliver, eventMessage, eventStatus, everyEventsShard, everyRunsShard, occurrences, receiptsOf, runsOf } from '../helpers/queue';
import { deliverPage, insertJob } from '../helpers/replay-jobs';
import { waitFor } from '../helpers/wait';
import type { ReplayJobView } from '../../shared/control/responses';


/** Starts a job through the API and checks the 202. */
async function startJob(token: string, filter: Record<string, unknown>): Promise<ReplayJobView> {
  const response = await api<ReplayJobView>(token, 'POST', '/v1/replays', filter);
  expect(response.status, JSON.stringify(response.body)).toBe(202);
  expect(response.headers.get('location')).toBe(`/v1/replays/${response.body.id}`);
  return response.body;
}

/** Polls the job until it is no longer running. */
async function finishedJob(token: string, id: string): Promise<ReplayJobView> {
  return waitFor(async () => {
    const response = await api<ReplayJobView>(token, 'GET', `/v1/replays/${id}`);
    return response.status === 200 && response.body.status !== 'running' && response.body;
  }, `replay job ${id} to finish`);
}

/** Events recorded dead, as the events queue's dead-letter consumer records them; ids in order sent. */
async function deadEvents(project: TestProject, hook: Pick<TestWebhook, 'id' | 'slug'>, count: number, overrides: (i: number) => Partial<EventMessage> = () => ({})): Promise<string[]> {
  const messages = Array.from({ length: count }, (_, i) => eventMessage(project, { ...hook, secret: '' }, overrides(i)));
  const result = await deliver(messages, deadLettersOf(project), 6);
  expect(result.explicitAcks).toHaveLength(count);
  for (const m of messages) expect(await eventStatus(project, m.event_id)).toBe('dead');
  return messages.map((m) => m.event_id);
}

/** Hands replay page messages to the Worker's queue handler, with `bindings` in place of the test env's. */
async function jobView(project: TestProject, id: string): Promise<ReplayJobView> {
  const response = await api<ReplayJobView>(project.token, 'GET', `/v1/replays/${id}`);
  expect(response.status).toBe(200);
  return response.body;
}

/** A queue binding that refuses every send, as a queue does during an outage. */
class RefusingQueue<Body> extends RecordingQueue<Body> {
  override async send(): Promise<QueueSendResponse> {
    throw new Error('queue unavailable');
  }
  override async sendBatch(): Promise<QueueSendBatchResponse> {
    throw new Error('queue unavailable');
  }
}

describe('POST /v1/replays', () => {
  it('replays the dead events as a job with progress, and each of their runs reaches the runtime once', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'bulk dead', sample_payload: CHART_SAMPLE });
    const workflow = await createWorkflowViaApi(project.token, { name: 'wf', triggers: [{ webhook_id: hook.id }] });
    const live = [await sendToWebhook(hook, hook.secret ?? '', CHART_SAMPLE), await sendToWebhook(hook, hook.secret ?? '', CHART_SAMPLE)];
    const liveRuns = await Promise.all(live.map(async (id) => (await dispatchedEvent(project.token, id, 1)).runs));
    const dead = await deadEvents(project, hook, 3);

    const started = await startJob(project.token, { status: 'dead' });
    expect(started).toMatchObject({ status: 'running', filter: { status: 'dead' }, scanned: 0, replayed: 0, finished_at: null });
    expect(started.id).toMatch(/^rpl_/);

    const done = await finishedJob(project.token, started.id);
    expect(done).toMatchObject({ status: 'done', scanned: 3, replayed: 3, skipped: 0, failed: 0, skipped_reasons: {}, failed_reasons: {}, error: null });
    expect(done.finished_at).not.toBeNull();

    for (const id of dead) {
      const event = await dispatchedEvent(project.token, id, 1);
      expect(event.runs.map((r) => r.workflow_id)).toEqual([workflow.id]);
      const receipts = await waitFor(async () => {
        const found = await receiptsOf(project, id);
        return found.length > 0 && found;
      }, `the runtime's receipt of ${id}`);
      expect(receipts.map((r) => r.run_id)).toEqual(event.runs.map((r) => r.id));
      expect(receipts[0]?.envelope).toMatchObject({ event_id: id, workflow_id: workflow.id, payload: CHART_SAMPLE, input: CHART_SAMPLE });
      // A replayed Class A run, as sent, carries the payload once.
      expect(occurrences(receipts[0]?.json ?? '', JSON.stringify(CHART_SAMPLE))).toBe(1);
    }
    // The dispatched events were not in the filter: their runs are as they were.
    for (const [i, id] of live.entries()) expect((await runsOf(project, id)).map((r) => r.id)).toEqual(liveRuns[i]?.map((r) => r.id));

    const entries = await auditLog(project.token);
    const created = entries.filter((e) => e.action === 'replay.create');
    expect(created).toMatchObject([{ resource_id: started.id, outcome: 'ok', token_id: await tokenIdOf(project) }]);
  });

  it('replays only the runs a new workflow lacks, and the same filter again replays nothing twice', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'again', sample_payload: CHART_SAMPLE });
    const first = await createWorkflowViaApi(project.token, { name: 'first', triggers: [{ webhook_id: hook.id }] });
    const ids = [await sendToWebhook(hook, hook.secret ?? '', CHART_SAMPLE), await sendToWebhook(hook, hook.secret ?? '', CHART_SAMPLE)];
    const before = new Map<string, string[]>();
    for (const id of ids) before.set(id, (await dispatchedEvent(project.token, id, 1)).runs.map((r) => r.id));
    const second = await createWorkflowViaApi(project.token, { name: 'second', triggers: [{ webhook_id: hook.id }] });

    const job = await finishedJob(project.token, (await startJob(project.token, { webhook_id: hook.id })).id);
    expect(job).toMatchObject({ status: 'done', filter: { webhook_id: hook.id }, scanned: 2, replayed: 2 });
    for (const id of ids) {
      const event = await dispatchedEvent(project.token, id, 2);
      expect(event.runs.find((r) => r.workflow_id === first.id)?.id).toBe(before.get(id)?.[0]);
      expect(event.runs.map((r) => r.workflow_id).sort()).toEqual([first.id, second.id].sort());
    }

    for (const id of ids) {
      const receipts = await waitFor(async () => {
        const found = await receiptsOf(project, id);
        return found.length === 2 && found;
      }, `the runtime's receipts of ${id}`);
      expect(receipts.map((r) => r.run_id).sort()).toEqual((await runsOf(project, id)).map((r) => r.id).sort());
    }

    // Every listening workflow has its run now: the same filter again sends none of them.
    const again = await finishedJob(project.token, (await startJob(project.token, { webhook_id: hook.id })).id);
    expect(again).toMatchObject({ status: 'done', scanned: 2, replayed: 0, skipped: 2, skipped_reasons: { 'already-dispatched': 2 } });
    for (const id of ids) expect(await runsOf(project, id)).toHaveLength(2);
    const list = await api<Page<ReplayJobView>>(project.token, 'GET', '/v1/replays');
    expect(list.body.data.map((j) => j.id)).toEqual([again.id, job.id]);
  });

  it('replays only events of the webhook and in [since, until), and skips those it cannot replay, saying why', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const other = await createWebhook(project);
    await createWorkflow(project, [hook.id, other.id]);
    // Hours 1..5 of a recent day (within the webhook's retention), on whole hours.
    const base = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 24 * 3_600_000;
    const at = (hour: number) => new Date(base + hour * 3_600_000).toISOString();
    const inHook = await deadEvents(project, hook, 5, (i) => ({ received_at: at(i + 1) }));
    const [inOther] = await deadEvents(project, other, 1, () => ({ received_at: at(3) }));
    // Hour 4's payload is expunged: it cannot be replayed.
    expect((await api(project.token, 'DELETE', `/v1/events/${inHook[3]}/payload`)).status).toBe(200);

    // until with an offset, as people write it: the same instant as hour 5.
    const until = at(5).replace('.000Z', '+00:00');
    const job = await finishedJob(project.token, (await startJob(project.token, { webhook_id: hook.id, since: at(2), until })).id);
    // Hours 2, 3 and 4 (until is exclusive): 4 is skipped.
    expect(job).toMatchObject({
      status: 'done',
      filter: { webhook_id: hook.id, since: at(2), until: at(5) },
      scanned: 3,
      replayed: 2,
      skipped: 1,
      failed: 0,
      skipped_reasons: { 'payload-expunged': 1 },
      scanned_back_to: at(2),
    });
    await dispatchedEvent(project.token, inHook[1] ?? '', 1);
    await dispatchedEvent(project.token, inHook[2] ?? '', 1);
    // Outside the filter, or not replayable: still dead.
    for (const id of [inHook[0], inHook[3], inHook[4], inOther]) expect(await eventStatus(project, id ?? '')).toBe('dead');
  });

  it('counts events whose webhook was deleted as skipped', async () => {
    const project = await createProject();
    const hook = await createWebhookViaApi(project.token, { name: 'to delete', sample_payload: CHART_SAMPLE });
    const [gone] = await deadEvents(project, hook, 1);
    expect((await api(project.token, 'DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(204);
    const job = await finishedJob(project.token, (await startJob(project.token, { status: 'dead' })).id);
    expect(job).toMatchObject({ status: 'done', scanned: 1, replayed: 0, skipped: 1, skipped_reasons: { 'webhook-deleted': 1 } });
    expect(await eventStatus(project, gone ?? '')).toBe('dead');
  });

  it('answers 400 naming each bad field of the filter, and 404 for a webhook of another project', async () => {
    const project = await createProject();
    const bad = await apiProblem(project.token, 'POST', '/v1/replays', { status: 'rejected', since: 'yesterday', until: 12, webhook_id: 'wf_1', extra: true });
    expect(bad.status).toBe(400);
    expect(errorPaths(bad.body).sort()).toEqual(['/extra', '/since', '/status', '/until', '/webhook_id']);
    expect(bad.body.errors?.find((e) => e.path === '/since')?.message).toContain('ISO 8601');

    const backwards = await apiProblem(project.token, 'POST', '/v1/replays', { since: '2026-03-02T00:00:00Z', until: '2026-03-01T00:00:00Z' });
    expect(backwards.status).toBe(400);
    expect(errorPaths(backwards.body)).toEqual(['/until']);

    const stranger = await createProject();
    const theirs: WebhookBody = await createWebhookViaApi(stranger.token, { name: 'theirs', sample_payload: CHART_SAMPLE });
    const foreign = await apiProblem(project.token, 'POST', '/v1/replays', { webhook_id: theirs.id });
    expect(foreign.status).toBe(404);
    expect(errorPaths(foreign.body)).toEqual(['/webhook_id']);
    // Nothing was started by any of them.
    expect((await api<Page<ReplayJobView>>(project.token, 'GET', '/v1/replays')).body.data).toEqual([]);
  });

  it('takes a bare date as midnight UTC and a zone offset as the instant it names', async () => {
    const project = await createProject();
    const job = await startJob(project.token, { since: '2026-03-02', until: '2026-03-03T01:30:00+01:00' });
    expect(job.filter).toEqual({ since: '2026-03-02T00:00:00.000Z', until: '2026-03-03T00:30:00.000Z' });
  });

  it('answers 503 and keeps no job when the queue refuses it', async () => {
    const project = await createProject();
    const app = createControlApp({ resolver: new WebhookResolver(), masterKey: masterKeyFor });
    const response = await app.fetch(
      new Request('https://api.usehasp.run/v1/replays', { method: 'POST', headers: { authorization: `Bearer ${project.token}`, 'content-type': 'application/json' }, body: '{}' }),
      { ...env, REPLAYS: new RefusingQueue<ReplayPageMessage>() },
      createExecutionContext(),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).not.toBeNull();
    expect((await api<Page<ReplayJobView>>(project.token, 'GET', '/v1/replays')).body.data).toEqual([]);
  });
});

describe('GET /v1/replays/{id}', () => {
  it("answers 404 for another project's job, and lists only the caller's", async () => {
    const owner = await createProject();
    const stranger = await createProject();
    const job = await startJob(owner.token, {});
    expect((await apiProblem(stranger.token, 'GET', `/v1/replays/${job.id}`)).status).toBe(404);
    expect((await apiProblem(stranger.token, 'POST', `/v1/replays/${job.id}/resume`)).status).toBe(404);
    expect((await apiProblem(owner.token, 'GET', '/v1/replays/rpl_nope')).status).toBe(404);
    expect((await api<Page<ReplayJobView>>(stranger.token, 'GET', '/v1/replays')).body.data).toEqual([]);
    // An empty project: the first page is empty and the job is done.
    expect(await finishedJob(owner.token, job.id)).toMatchObject({ status: 'done', scanned: 0, replayed: 0 });
  });
});

describe('the replays queue consumer', () => {
  it('commits a page delivered twice at once only once, goes on once, and the runtime gets each run once', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const workflow = await createWorkflow(project, [hook.id]);
    const count = REPLAY_PAGE_SIZE + 3;
    const dead = await deadEvents(project, hook, count);
    const jobId = await insertJob(project, { webhook_id: hook.id });

    const events = new RecordingQueue<EventMessage>();
    const next = new RecordingQueue<ReplayPageMessage>();
    const bindings = { ...everyEventsShard(events), REPLAYS: next };
    const results = await Promise.all([deliverPage(pageMessage(jobId, 0), 1, bindings), deliverPage(pageMessage(jobId, 0), 1, bindings)]);
    for (const result of results) expect(result.explicitAcks).toHaveLength(1);
    // Both deliveries may replay the page; one commits it and sends the next page's message.
    expect(await jobView(project, jobId)).toMatchObject({ status: 'running', scanned: REPLAY_PAGE_SIZE, replayed: REPLAY_PAGE_SIZE });
    expect(next.sent).toEqual([pageMessage(jobId, 1)]);
    await deliverPage(pageMessage(jobId, 1), 1, bindings);
    expect(await jobView(project, jobId)).toMatchObject({ status: 'done', scanned: count, replayed: count });
    expect(new Set(events.sent.map((m) => m.event_id))).toEqual(new Set(dead));

    // The job run again from scratch before the fan-out got to any of it, as after a crash that
    // lost its commits: every event is sent again.
    const restart = async (): Promise<RecordingQueue<EventMessage>> => {
      await createDb(env.DB)
        .update(replayJobs)
        .set({ status: 'running', page: 0, cursor: null, scanned: 0, replayed: 0, skipped: 0, reasons: '{}', finishedAt: null })
        .where(eq(replayJobs.id, jobId));
      const sent = new RecordingQueue<EventMessage>();
      await deliverPage(pageMessage(jobId, 0), 1, { ...everyEventsShard(sent), REPLAYS: next });
      await deliverPage(pageMessage(jobId, 1), 1, { ...everyEventsShard(sent), REPLAYS: next });
      return sent;
    };
    const again = await restart();
    expect(again.sent).toHaveLength(count);
    expect(await jobView(project, jobId)).toMatchObject({ status: 'done', scanned: count, replayed: count });

    // Every message sent, duplicates and all, reaches the fan-out, one batch after another: each run goes out once.
    const runtime = new RecordingQueue<RunMessage>();
    const all = [...events.sent, ...again.sent];
    expect(all.length).toBeGreaterThan(2 * count);
    for (let i = 0; i < all.length; i += REPLAY_PAGE_SIZE) await deliver(all.slice(i, i + REPLAY_PAGE_SIZE), undefined, 1, everyRunsShard(runtime));
    expect(runtime.sent).toHaveLength(count);
    expect(new Set(runtime.sent.map((r) => r.event_id))).toEqual(new Set(dead));
    expect(runtime.sent.every((r) => r.workflow_id === workflow)).toBe(true);
    for (const id of dead.slice(0, 3)) expect(await runsOf(project, id)).toHaveLength(1);

    // And once more, now that every event has its run: nothing is sent at all.
    const third = await restart();
    expect(third.sent).toEqual([]);
    expect(await jobView(project, jobId)).toMatchObject({ status: 'done', scanned: count, replayed: 0, skipped: count, skipped_reasons: { 'already-dispatched': count } });
  });

  it('walks page after page; a duplicate of a committed page does nothing, its retry sends the next page again', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    const count = REPLAY_PAGE_SIZE + 5;
    await deadEvents(project, hook, count);
    const jobId = await insertJob(project, { webhook_id: hook.id });
    const events = new RecordingQueue<EventMessage>();
    const next = new RecordingQueue<ReplayPageMessage>();
    const bindings = { ...everyEventsShard(events), REPLAYS: next };

    await deliverPage(pageMessage(jobId, 0), 1, bindings);
    expect(events.sent).toHaveLength(REPLAY_PAGE_SIZE);
    expect(next.sent).toEqual([pageMessage(jobId, 1)]);
    const afterFirst = await jobView(project, jobId);
    expect(afterFirst).toMatchObject({ status: 'running', scanned: REPLAY_PAGE_SIZE, replayed: REPLAY_PAGE_SIZE });

    // A duplicate first delivery: stale, acked, nothing sent.
    expect((await deliverPage(pageMessage(jobId, 0), 1, bindings)).explicitAcks).toHaveLength(1);
    expect(events.sent).toHaveLength(REPLAY_PAGE_SIZE);
    expect(next.sent).toHaveLength(1);
    // A retry of it (its next message may not have gone out): the next page's message is sent again.
    await deliverPage(pageMessage(jobId, 0), 2, bindings);
    expect(events.sent).toHaveLength(REPLAY_PAGE_SIZE);
    expect(next.sent).toEqual([pageMessage(jobId, 1), pageMessage(jobId, 1)]);

    await deliverPage(pageMessage(jobId, 1), 1, bindings);
    await deliverPage(pageMessage(jobId, 1), 1, bindings);
    expect(await jobView(project, jobId)).toMatchObject({ status: 'done', scanned: count, replayed: count });
    expect(new Set(events.sent.map((m) => m.event_id)).size).toBe(count);
    expect(events.sent).toHaveLength(count);
    // Newest first, each event once.
    const received = events.sent.map((m) => m.received_at);
    expect([...received].sort().reverse()).toEqual(received);
  });

  it('retries a page the queue refuses, marks the job failed on the last attempt, and resume goes on from there', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    await createWorkflow(project, [hook.id]);
    const dead = await deadEvents(project, hook, 2);
    const jobId = await insertJob(project, { status: 'dead' });
    const refusing = { ...everyEventsShard(new RefusingQueue<EventMessage>()), REPLAYS: new RecordingQueue<ReplayPageMessage>() };

    const first = await deliverPage(pageMessage(jobId, 0), 1, refusing);
    expect(first.retryMessages).toHaveLength(1);
    expect(await jobView(project, jobId)).toMatchObject({ status: 'running', scanned: 0 });

    const resumeRunning = await apiProblem(project.token, 'POST', `/v1/replays/${jobId}/resume`);
    expect(resumeRunning.status).toBe(409);
    expect(resumeRunning.body.detail).toContain('made progress');

    const last = await deliverPage(pageMessage(jobId, 0), 5, refusing);
    expect(last.explicitAcks).toHaveLength(1);
    const failed = await jobView(project, jobId);
    expect(failed).toMatchObject({ status: 'failed', scanned: 0, replayed: 0 });
    expect(failed.error).toContain('resume');

    // Through the real queue now: the job finishes, and each dead event gets its one run.
    const resumed = await api<ReplayJobView>(project.token, 'POST', `/v1/replays/${jobId}/resume`);
    expect(resumed.status).toBe(202);
    expect(resumed.body).toMatchObject({ status: 'running', error: null, finished_at: null });
    expect(await finishedJob(project.token, jobId)).toMatchObject({ status: 'done', scanned: 2, replayed: 2 });
    for (const id of dead) await dispatchedEvent(project.token, id, 1);

    const resumeDone = await apiProblem(project.token, 'POST', `/v1/replays/${jobId}/resume`);
    expect(resumeDone.status).toBe(409);
    expect(resumeDone.body.detail).toContain('start a new job');
    const entries = (await auditLog(project.token)).filter((e) => e.action === 'replay.resume').map((e) => [e.resource_id, e.outcome]);
    expect(entries).toEqual([
      [jobId, 'conflict (409)'],
      [jobId, 'ok'],
      [jobId, 'conflict (409)'],
    ]);
  });

  it('resumes a running job that made no progress for a minute (its message was lost)', async () => {
    const project = await createProject();
    const hook = await createWebhook(project);
    await createWorkflow(project, [hook.id]);
    const [dead] = await deadEvents(project, hook, 1);
    const jobId = await insertJob(project, { status: 'dead' });
    const stalled = new Date(Date.now() - 120_000).toISOString();
    await createDb(env.DB).update(replayJobs).set({ updatedAt: stalled }).where(eq(replayJobs.id, jobId));

    expect((await api(project.token, 'POST', `/v1/replays/${jobId}/resume`)).status).toBe(202);
    expect(await finishedJob(project.token, jobId)).toMatchObject({ status: 'done', scanned: 1, replayed: 1 });
    const event: EventView = await dispatchedEvent(project.token, dead ?? '', 1);
    expect(event.runs).toHaveLength(1);
  });
});
