/**
 * Sends replayed events' messages with as few sendBatch calls as the Queues limits allow (100
 * messages, 256 KB per call). An inline payload is at most 100 KB, so every message fits one call.
 */
import { EVENT_MESSAGE_CONTENT_TYPE } from '../queue/enqueue';
import { inlinePayloadSize, type EventMessage } from '../queue/event-message';
import { SEND_BATCH_MAX_MESSAGES } from '../queue/names';

/** The 256 KB batch limit, less room for the batch's own framing. */
const BATCH_MAX_BYTES = 250_000;
/** A message's fields and framing besides its payload, generously. */
const MESSAGE_OVERHEAD_BYTES = 2_000;

/** Resolves once the queue has accepted every message; throws at the first refused call. */
export async function sendEventMessages(queue: Queue<EventMessage>, messages: readonly EventMessage[]): Promise<void> {
  let batch: EventMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = (inlinePayloadSize(message) ?? 0) + MESSAGE_OVERHEAD_BYTES;
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
  await queue.sendBatch(batch.map((body) => ({ body, contentType: EVENT_MESSAGE_CONTENT_TYPE })));
}
