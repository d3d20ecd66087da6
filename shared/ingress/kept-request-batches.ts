/**
 * Hands kept requests (./kept-requests.ts) to their project's log in batches, so that a sender
 * flooding a webhook with bad payloads costs its log one write per batch rather than one per
 * request: what an isolate keeps for a project within KEPT_FLUSH_MS of the batch's first request,
 * up to KEPT_BATCH_MAX requests or KEPT_BATCH_MAX_BYTES of body, goes in one call and one
 * transaction. Nothing is sealed on a request's way: a batch's bodies are sealed when it is
 * written, SEAL_CHUNK at a time with a timer's turn between, so that sealing a full batch never
 * holds the isolate's thread (and every request in flight with it) for more than a fraction of a
 * millisecond, and a refusal costs no timer and no promise of its own. A body for R2 is put then
 * too, so that no object is put that a lost batch would leave behind with no row to expire it. The
 * first request of a batch waits out the interval in its own `waitUntil`, so the batch is written
 * even when no other request follows. A batch the log refuses is logged and its R2 bodies deleted
 * (no row would ever name them); the senders' answers were sent long before. A batch still open
 * when its isolate is evicted is lost, as counts of refusals are (./rejection-log.ts): kept
 * requests are a convenience for replay, not accepted events.
 */
import { projectLog, type LogEnv } from '../eventlog/client';
import { safeErrorText } from '../http/safe-error';
import type { KeptRequestInput } from '../eventlog/types';
import { sealRefusedRequest, type RefusedContent } from './kept-requests';
import type { Background } from './ttl-cache';

/** How long a batch stays open after its first request: short, so a lone refusal is listed within a second. */
export const KEPT_FLUSH_MS = 500;
/** A flood's batch: at 500 refusals a second, one write per interval rather than one per 100 requests (each costs the log's objects a call and a commit). */
export const KEPT_BATCH_MAX = 250;
/** Raw body bytes per batch: bounds the memory a batch holds and the size of one call to the log. */
export const KEPT_BATCH_MAX_BYTES = 1_000_000;

/** Bodies sealed together between two turns of the thread: about 16 × 20 µs for 1 KB bodies. */
const SEAL_CHUNK = 16;

interface Batch {
  projectId: string;
  requests: { request: RefusedContent; dataKey: CryptoKey }[];
  bytes: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class KeptRequestBatches {
  readonly #open = new Map<string, Batch>();

  /**
   * Adds `request` to its project's open batch. Nothing is done on the request's way: the batch is
   * sealed and written after the response of the request that opened it (`background`), or of the
   * one that filled it.
   */
  keep(env: LogEnv & Pick<Env, 'PAYLOADS'>, request: RefusedContent, dataKey: CryptoKey, background: Background): void {
    let batch = this.#open.get(request.projectId);
    const opens = batch === undefined;
    if (batch === undefined) {
      batch = { projectId: request.projectId, requests: [], bytes: 0 };
      this.#open.set(request.projectId, batch);
    }
    batch.requests.push({ request, dataKey });
    batch.bytes += request.body.byteLength;
    const full = batch;
    if (batch.requests.length >= KEPT_BATCH_MAX || batch.bytes >= KEPT_BATCH_MAX_BYTES) {
      this.#open.delete(batch.projectId);
      background(() => write(env, full));
      return;
    }
    if (!opens) return;
    background(async () => {
      await sleep(KEPT_FLUSH_MS);
      // Written already, when it filled up before the interval ended.
      if (this.#open.get(full.projectId) !== full) return;
      this.#open.delete(full.projectId);
      await write(env, full);
    });
  }
}

/**
 * Each request's row, or why it could not be sealed: SEAL_CHUNK at a time, each after a timer's
 * turn, the first too, so that a batch written by the request that filled it is not sealed on that
 * request's way.
 */
async function sealInChunks(bucket: R2Bucket, batch: Batch): Promise<PromiseSettledResult<KeptRequestInput>[]> {
  const sealed: PromiseSettledResult<KeptRequestInput>[] = [];
  for (let i = 0; i < batch.requests.length; i += SEAL_CHUNK) {
    await sleep(0);
    const chunk = batch.requests.slice(i, i + SEAL_CHUNK);
    sealed.push(...(await Promise.allSettled(chunk.map(({ request, dataKey }) => sealRefusedRequest(bucket, request, dataKey)))));
  }
  return sealed;
}

async function write(env: LogEnv & Pick<Env, 'PAYLOADS'>, batch: Batch): Promise<void> {
  const sealed = await sealInChunks(env.PAYLOADS, batch);
  const rows = sealed.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const unsealed = sealed.find((outcome) => outcome.status === 'rejected');
  if (unsealed !== undefined) console.error(`${sealed.length - rows.length} refused request(s) not kept`, batch.projectId, safeErrorText(unsealed.reason));
  if (rows.length === 0) return;
  try {
    await projectLog(env, batch.projectId).keepRequests(rows);
  } catch (err) {
    console.error(`${rows.length} refused request(s) not kept`, batch.projectId, safeErrorText(err));
    const bodyKeys = rows.flatMap((row) => (row.bodyKey === null ? [] : [row.bodyKey]));
    if (bodyKeys.length > 0) await env.PAYLOADS.delete(bodyKeys).catch(() => undefined);
  }
}
