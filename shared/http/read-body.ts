/**
 * Reads a request body once, as bytes, stopping as soon as it passes `limit`: an oversized body
 * is refused without being buffered whole, whatever Content-Length claimed.
 *
 * A body stream that fails while being read is the sender's doing: workerd fails the read when
 * the client disconnects before sending what Content-Length promised ("Network connection lost").
 * That is `aborted`, an outcome like `too-large`, never an exception the error handler would log
 * and answer as our 500.
 */
export type BodyRead = Uint8Array | 'too-large' | 'aborted';

/**
 * How much more of a streamed body is read and dropped, once it has passed the limit, before the
 * 413: as much as workerd itself discards of a body the Worker never read (kj's
 * canceledUploadGraceBytes), so a sender whose body ends within it keeps its connection.
 *
 * A body the Worker began to read and left unfinished makes workerd close the connection the
 * moment the answer is sent, the rest unread (a reset). Under `wrangler dev` the proxy in front
 * of the Worker had by then sent the whole body and pooled that connection, so the sender's next
 * request on its keep-alive socket was forwarded into the closed one: 502 "Network connection
 * lost", every time for a chunked body just over the limit. Discarding after the answer does not
 * help: the body can no longer be read once the response is sent. A body still going after this
 * is cancelled and its connection closed, as HTTP allows for an upload the server will not read.
 */
export const DISCARD_BYTES = 64 * 1024;

export async function readBodyWithin(request: Request, limit: number): Promise<BodyRead> {
  const declared = request.headers.get('content-length');
  // Never read at all: workerd discards it (within its own grace) and keeps the connection.
  if (declared !== null && Number(declared) > limit) return 'too-large';
  if (request.body === null) return new Uint8Array(0);
  try {
    if (declared !== null) {
      // A declared length within the limit is the common case: one read, then trust but verify.
      const bytes = new Uint8Array(await request.arrayBuffer());
      return bytes.length > limit ? 'too-large' : bytes;
    }
    return await readChunksWithin(request.body.getReader(), limit);
  } catch {
    return 'aborted';
  }
}

async function readChunksWithin(reader: ReadableStreamDefaultReader<Uint8Array>, limit: number): Promise<Uint8Array | 'too-large'> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await discardWithin(reader, DISCARD_BYTES);
      return 'too-large';
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}

/**
 * Reads what is left and drops it, keeping nothing, up to `bound` bytes; a body longer than that
 * is cancelled. A sender gone mid-body leaves nothing to discard: the refusal stands.
 */
async function discardWithin(reader: ReadableStreamDefaultReader<Uint8Array>, bound: number): Promise<void> {
  try {
    let discarded = 0;
    while (discarded <= bound) {
      const { done, value } = await reader.read();
      if (done) return;
      discarded += value.length;
    }
    await reader.cancel();
  } catch {
    // Nothing more to do.
  }
}
