/**
 * Sends replayed events' messages with as few sendBatch calls as the Queues limits allow (100
 * messages, 256 KB per call). An inline payload is at most 100 KB, so every message fits one call.
 */
import type { EventMessage } from '../queue/event-message';
import { SEND_BATCH_MAX_MESSAGES } from '../queue/names';

/** The 256 KB batch limit, less room for the batch's own framing. */
const BATCH_MAX_BYTES = 250_000;
const encoder = new TextEncoder();

/** Resolves once the queue has accepted every message; throws at the first refused call. */
export async function sendEventMessages(queue: Queue<EventMessage>, messages: readonly EventMessage[]): Promise<void> {
  let batch: EventMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = encoder.encode(JSON.stringify(message)).length;
    if (batch.length > 0 && (batch.length === SEND_BATCH_MAX_MESSAGES || bytes + size > BATCH_MAX_BYTES)) {
      await send(queue, batch);
      batch = [];
      bytes = 0;
    }
    batch.push(message);
    bytes += size;
  }
  if (batch.length > 0) await send(queue, batch);
}

async function send(queue: Queue<EventMessage>, batch: EventMessage[]): Promise<void> {
  await queue.sendBatch(batch.map((body) => ({ body, contentType: 'json' as const })));
}
