/**
 * Handing runs to the runtime queue: calls packed to the Queues limits, envelopes built only as
 * their turn comes (memory holds a few batches of them, not a whole fan-out), and a failed call
 * failing the hand-over so the event is retried.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { RunMessage } from '../shared/queue/run-message';
import { sendRuns, type EnvelopeStore, type OutgoingRun } from '../shared/fanout/send-runs';
import { importAesKey } from '../shared/secrets/aead';
import { getSealedObject } from '../shared/queue/sealed-object';

/** The bucket, and a project data key of the test's own. */
const store: EnvelopeStore = { payloads: env.PAYLOADS, dataKey: await importAesKey(crypto.getRandomValues(new Uint8Array(32))) };

function runs(count: number, envelopeBytes: number, built: { count: number }): OutgoingRun[] {
  return Array.from({ length: count }, (_, i) => ({
    runId: `run_${i}`,
    eventId: 'evt_1',
    workflowId: `wf_${i}`,
    projectId: 'prj_1',
    envelopeJson: () => {
      built.count += 1;
      return JSON.stringify({ run_id: `run_${i}`, payload: 'x'.repeat(envelopeBytes) });
    },
  }));
}

function recordingQueue(onSend: (batch: RunMessage[]) => Promise<void> | void) {
  const sent: RunMessage[][] = [];
  const queue = {
    sendBatch: async (batch: Iterable<MessageSendRequest<RunMessage>>) => {
      const bodies = [...batch].map((m) => m.body);
      sent.push(bodies);
      await onSend(bodies);
    },
  } as unknown as Queue<RunMessage>;
  return { queue, sent };
}

describe('sendRuns', () => {
  it('packs 100 runs or 250 KB per call and builds each envelope only as its batch fills', async () => {
    const built = { count: 0 };
    const builtAtCall: number[] = [];
    const { queue, sent } = recordingQueue(() => void builtAtCall.push(built.count));
    // 20 KB envelopes: 12 fit one call, so 1,000 runs take 84 calls.
    const calls = await sendRuns(queue, store, runs(1000, 20_000, built));

    expect(calls).toBe(84);
    expect(sent.map((b) => b.length)).toEqual([...Array<number>(83).fill(12), 4]);
    expect(sent.flat().map((m) => m.run_id)).toEqual(Array.from({ length: 1000 }, (_, i) => `run_${i}`));
    expect(built.count).toBe(1000);
    // At the first call, a build group past the first batch, not the whole fan-out, was in memory.
    expect(builtAtCall[0]).toBeLessThanOrEqual(32);
    for (const [i, n] of builtAtCall.entries()) expect(n - 12 * (i + 1)).toBeLessThanOrEqual(16);
  });

  it('keeps at most four calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const { queue, sent } = recordingQueue(async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
    });
    expect(await sendRuns(queue, store, runs(1000, 100, { count: 0 }))).toBe(10);
    expect(sent).toHaveLength(10);
    expect(most).toBe(4);
  });

  it('claim-checks an envelope too large for a message and sends its key', async () => {
    const { queue, sent } = recordingQueue(() => undefined);
    expect(await sendRuns(queue, store, runs(3, 130_000, { count: 0 }))).toBe(1);
    const keys = sent.flat().map((m) => m.envelope_key);
    expect(keys).toEqual(['runs/run_0.json', 'runs/run_1.json', 'runs/run_2.json']);
    expect(sent.flat().every((m) => m.envelope_json === undefined && m.project_id === 'prj_1')).toBe(true);
    // Stored sealed under the project's data key, bound to its key: it carries the payload.
    const stored = new Uint8Array((await (await env.PAYLOADS.get('runs/run_1.json'))?.arrayBuffer()) ?? new ArrayBuffer(0));
    expect(new TextDecoder().decode(stored)).not.toContain('xxxxxxxx');
    // The envelope JSON as built, once: sealing adds a few bytes (a third more at most, as base64), nothing more.
    const built = JSON.stringify({ run_id: 'run_1', payload: 'x'.repeat(130_000) });
    expect(await getSealedObject(env.PAYLOADS, store.dataKey, 'runs/run_1.json')).toEqual({ found: 'text', text: built });
    expect(stored.length).toBeLessThan(built.length * 1.4);
    await env.PAYLOADS.put('runs/moved.json', stored);
    expect(await getSealedObject(env.PAYLOADS, store.dataKey, 'runs/moved.json')).toEqual({ found: 'undecryptable' });
  });

  it('fails the hand-over when a call fails, so the event is retried', async () => {
    let n = 0;
    const { queue } = recordingQueue(() => {
      n += 1;
      if (n === 3) throw new Error('queue unavailable');
    });
    await expect(sendRuns(queue, store, runs(1000, 100, { count: 0 }))).rejects.toThrow('queue unavailable');
  });
});
