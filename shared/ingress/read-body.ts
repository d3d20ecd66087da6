/**
 * Reads a request body once, as bytes, stopping as soon as it passes `limit`: an oversized body
 * is refused without being buffered whole, whatever Content-Length claimed.
 */
export async function readBodyWithin(request: Request, limit: number): Promise<Uint8Array | 'too-large'> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) return 'too-large';
  if (request.body === null) return new Uint8Array(0);
  if (declared !== null) {
    // A declared length within the limit is the common case: one read, then trust but verify.
    const bytes = new Uint8Array(await request.arrayBuffer());
    return bytes.length > limit ? 'too-large' : bytes;
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel();
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
