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

export async function readBodyWithin(request: Request, limit: number): Promise<BodyRead> {
  const declared = request.headers.get('content-length');
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
      await reader.cancel().catch(() => undefined);
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
