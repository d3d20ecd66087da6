/**
 * The log in segments through `npm run dev`, as a developer meets it: its config rolls a segment
 * over at 2 MiB (wrangler.toml), so 240 signed events of about 16 KB spread over several segments.
 * Read back over HTTP: the list complete and in order through its cursor, each event by id, and a
 * sender's redeliveries of the first events (by then in a closed segment) the same events, with no
 * second run. The segments are counted on disk, in the dev server's own Durable Object storage.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, signedHeaders, startDevServer, type DevServer } from './helpers/dev-server';
import type { EventView } from '../../shared/control/responses';

const PORT = Number(process.env.HASP_TEST_SEGMENTS_DEV_PORT ?? 8807);
const INSPECTOR_PORT = Number(process.env.HASP_TEST_SEGMENTS_INSPECTOR_PORT ?? 9247);
const TOKEN = 'hasp_test_segments_dev_token_0123456789abcd';
const SECRET = 'whsec_c2VnbWVudHMtZGV2LXRlc3Qtc2VjcmV0LTAxMjM=';
const API = 'api.usehasp.run';
const AUTH = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const EVENTS = 240;
const NOTES = 'n'.repeat(16_000);

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, token: TOKEN, secret: SECRET, args: ['--inspector-port', String(INSPECTOR_PORT)] });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await http(PORT, API, method, path, AUTH, body === undefined ? undefined : JSON.stringify(body));
  return { status: res.status, body: JSON.parse(res.text || 'null') as T };
}

/** Every SQLite file of the dev server's LogSegment objects. */
function segmentFiles(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) found.push(...(name.includes('LogSegment') ? readdirSync(full).filter((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite').map((f) => join(full, f)) : segmentFiles(full)));
  }
  return found;
}

describe('the log in segments, through npm run dev', () => {
  it('rolls segments over, lists every event in order, finds each by id, and keeps a late redelivery to one run', { timeout: 240_000 }, async () => {
    const hook = await api<{ id: string; slug: string; secret: string }>('POST', '/v1/webhooks', {
      name: 'segments-dev',
      sample_payload: { patient_id: 'p1', event: 'chart_updated', notes: 'x' },
    });
    expect(hook.status).toBe(201);
    const workflow = await api<{ id: string }>('POST', '/v1/workflows', { name: 'segments-dev-wf', triggers: [{ webhook_id: hook.body.id }] });
    expect(workflow.status).toBe(201);

    const send = async (i: number) => {
      const body = JSON.stringify({ patient_id: `p${i}`, event: 'chart_updated', notes: NOTES });
      const res = await http(PORT, 'acme.localhost', 'POST', `/webhooks/${hook.body.slug}`, signedHeaders(hook.body.secret, `msg_segments_${i}`, body), body);
      expect(res.status).toBe(202);
      return (JSON.parse(res.text) as { event_id: string }).event_id;
    };
    const ids: string[] = [];
    for (let i = 0; i < EVENTS; i += 8) ids.push(...(await Promise.all(Array.from({ length: Math.min(8, EVENTS - i) }, (_, k) => send(i + k)))));

    const listAll = async () => {
      const all: EventView[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { data: EventView[]; next_cursor: string | null } } = await api('GET', `/v1/events?webhook_id=${hook.body.id}&limit=50${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        all.push(...page.body.data);
        cursor = page.body.next_cursor;
      } while (cursor !== null);
      return all;
    };
    let listed: EventView[] = [];
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      listed = await listAll();
      if (listed.length === EVENTS && listed.every((e) => e.status === 'dispatched')) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(listed.length).toBe(EVENTS);
    expect(new Set(listed.map((e) => e.id))).toEqual(new Set(ids));
    for (let i = 1; i < listed.length; i++) {
      const [a, b] = [listed[i - 1] as EventView, listed[i] as EventView];
      expect(a.received_at > b.received_at || (a.received_at === b.received_at && a.id > b.id)).toBe(true);
    }
    expect(segmentFiles(server.state).length).toBeGreaterThanOrEqual(3);

    // The first events' segment is closed by now; their senders retry them.
    const again = await Promise.all([0, 1, 2, 3].map((i) => send(i)));
    expect(again).toEqual(ids.slice(0, 4));
    // A new event sent after the retries, on the same queue: once it is dispatched, they were consumed.
    const sentinel = await send(EVENTS);
    const until = Date.now() + 60_000;
    while ((await api<EventView>('GET', `/v1/events/${sentinel}`)).body?.status !== 'dispatched') {
      if (Date.now() > until) throw new Error('the event sent after the retries was never dispatched');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    for (const id of [...ids.slice(0, 4), ids[EVENTS - 1] as string]) {
      const one = await api<EventView>('GET', `/v1/events/${id}`);
      expect(one.status).toBe(200);
      expect(one.body.runs).toHaveLength(1);
    }
    expect((await listAll()).length).toBe(EVENTS + 1);
  });
});
