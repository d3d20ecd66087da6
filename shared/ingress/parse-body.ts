/**
 * Content-type check and parse, run only after the signature held over the raw bytes.
 */
export type ParsedBody =
  | { ok: true; payload: unknown; bytes: Uint8Array }
  | { ok: false; reason: 'unsupported-media-type' | 'invalid-json' | 'invalid-form'; detail: string };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const encoder = new TextEncoder();

function mediaType(header: string | null): string {
  return (header ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

export function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

const FORM = 'application/x-www-form-urlencoded';

/** Parses the body by its content type; `bytes` is the payload as UTF-8 JSON for the queue: a JSON body's own bytes. */
export function parseBody(contentType: string | null, body: Uint8Array, format: 'json' | 'form'): ParsedBody {
  const type = mediaType(contentType);
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return isJsonMediaType(type)
      ? { ok: false, reason: 'invalid-json', detail: 'The body is not valid UTF-8.' }
      : { ok: false, reason: 'unsupported-media-type', detail: `Send the body as ${format === 'form' ? FORM : 'application/json'}.` };
  }
  if (isJsonMediaType(type)) {
    try {
      return { ok: true, payload: JSON.parse(text), bytes: body };
    } catch {
      // V8's SyntaxError quotes part of the body; payloads may carry PHI, so the detail stays generic.
      return { ok: false, reason: 'invalid-json', detail: 'The body is not valid JSON. Send one JSON value, UTF-8 encoded.' };
    }
  }
  if (format === 'form' && type === FORM) {
    const payload: Record<string, string | string[]> = {};
    for (const [key, value] of new URLSearchParams(text)) {
      const seen = payload[key];
      payload[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
    }
    return { ok: true, payload, bytes: encoder.encode(JSON.stringify(payload)) };
  }
  const accepted = format === 'form' ? `${FORM} or application/json` : 'application/json (or a +json type)';
  // What was sent is not repeated: the detail reaches logs, the console and the sender, and a header is the sender's to fill.
  return { ok: false, reason: 'unsupported-media-type', detail: `This webhook accepts a Content-Type of ${accepted} only.` };
}
