/**
 * Hands kept requests (./kept-requests.ts) to their project's log in batches, so that a sender
 * flooding a webhook with bad payloads costs its log one write per batch rather than one per
 * request: what an isolate keeps for a project within KEPT_FLUSH_MS of the batch's first request,
 * up to KEPT_BATCH_MAX requests or KEPT_BATCH_MAX_BYTES of body, goes in one call and one
 * transaction. A request kept inline is sealed after its own response, as it comes: sealing a
 * hundred at once when the batch closes held the isolate's thread for milliseconds, and every
 * request in flight with it. A body for R2 is sealed and put only when its batch is written, so
 * that no object is put that a lost batch would leave behind with no row to expire it. The first
 * request of a batch waits out the interval in its own `waitUntil`, so the batch is written even
 * when no other request follows. A batch the log refuses is logged and its R2 bodies deleted (no
 * row would ever name them); the senders' answers were sent long before. A batch still open when
 * its isolate is evicted is lost, as counts of refusals are (./rejection-log.ts): kept requests are
 * a convenience for replay, not accepted events.
 */
import { projectLog, type LogEnv } from '../eventlog/client';
import { safeErrorText } from '../http/safe-error';
import type { KeptRequestInput } from '../eventlog/types';
import { keptInline, sealRefusedRequest, type RefusedContent } from './kept-requests';
import type { Background } from './ttl-cache';

/** How long a batch stays open after its first request: short, so a lone refusal is listed within a second. */
export const KEPT_FLUSH_MS = 250;
export const KEPT_BATCH_MAX = 100;
/** Raw body bytes per batch: bounds the memory a batch holds and the size of one call to the log. */
export const KEPT_BATCH_MAX_BYTES = 1_000_000;

/** A request's row as its sealing settles (settled, so a failure waits for the batch unobserved), or the sealing still to do. */
type PendingRow = Promise<PromiseSettledResult<KeptRequestInput>> | (() => Promise<KeptRequestInput>);

interface Batch {
  projectId: string;
  rows: PendingRow[];
  bytes: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class KeptRequestBatches {
  readonly #open = new Map<string, Batch>();

  /**
   * Adds `request` to its project's open batch. Nothing is done on the request's way: an inline
   * request is sealed after its response (`background`), and the batch (with any body for R2)
   * written after the response of the request that opened it, or of the one that filled it.
   */
  keep(env: LogEnv & Pick<Env, 'PAYLOADS'>, request: RefusedContent, dataKey: CryptoKey, background: Background): void {
    let batch = this.#open.get(request.projectId);
    const opens = batch === undefined;
    if (batch === undefined) {
      batch = { projectId: request.projectId, rows: [], bytes: 0 };
      this.#open.set(request.projectId, batch);
    }
    batch.rows.push(keptInline(request) ? sealAfterResponse(env.PAYLOADS, request, dataKey, background) : () => sealRefusedRequest(env.PAYLOADS, request, dataKey));
    batch.bytes += request.body.byteLength;
    const full = batch;
    if (batch.rows.length >= KEPT_BATCH_MAX || batch.bytes >= KEPT_BATCH_MAX_BYTES) {
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

function settled<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  return promise.then(
    (value) => ({ status: 'fulfilled', value }),
    (reason: unknown) => ({ status: 'rejected', reason }),
  );
}

/** An inline request's row, sealed once the response is on its way (a timer's turn after it), never on it. */
function sealAfterResponse(bucket: R2Bucket, request: RefusedContent, dataKey: CryptoKey, background: Background): Promise<PromiseSettledResult<KeptRequestInput>> {
  return new Promise((settle) => {
    background(async () => {
      await sleep(0);
      settle(await settled(sealRefusedRequest(bucket, request, dataKey)));
    });
  });
}

async function write(env: LogEnv & Pick<Env, 'PAYLOADS'>, batch: Batch): Promise<void> {
  const sealed = await Promise.all(batch.rows.map((row) => (typeof row === 'function' ? settled(row()) : row)));
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
