// Ties the README's presets table to the verifiers. Each request here is built from a preset row
// alone, as a reader of the table would build it: its headers, its signed content (the `{…}`
// notation filled in), algorithm, encoding, prefix, timestamp unit and delivery id. The verifier
// the preset selects must accept it, honour the row's tolerance and delivery id, and find no
// credential once a header the row lists is renamed. The sender SDK tests beside this one prove
// the rows themselves against each sender.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createVerifier, PRESET_NAMES, PRESETS, type Preset, type PresetName } from '../../../shared/signatures';
import { NOW, NOW_SECONDS, PUBLIC_URL, inbound, secrets, verifyWith, withHeader, withoutHeader, type RequestParts } from './helpers';

const SIGNED_ID = 'msg_2mXVnKjC0pTqVb';
const DELIVERY_ID = 'dlv_7Qp3rXk9Lm';
const FORM_BODY = 'To=%2B15005550006&From=%2B14158675310&Body=Hello+there&MessageSid=SM1234';

function secretFor(row: Preset): string {
  return row.key === 'whsec-base64' ? `whsec_${Buffer.alloc(32, 7).toString('base64')}` : 'preset-table-secret-0123';
}

function keyBytes(row: Preset, secret: string): Buffer {
  return row.key === 'whsec-base64' ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

function timestampText(row: Preset, atSeconds: number): string {
  switch (row.timestamp?.unit) {
    case 'milliseconds':
      return String(atSeconds * 1000);
    case 'rfc3339':
      return new Date(atSeconds * 1000).toISOString();
    default:
      return String(atSeconds);
  }
}

/** The field of the signed body that carries the timestamp, when the row says the body does. */
function bodyTimestampField(row: Preset): string | null {
  return /^(\w+) field of the signed body$/.exec(row.timestamp?.source ?? '')?.[1] ?? null;
}

function bodyFor(row: Preset, atSeconds: number): string {
  if (row.bodyFormat === 'form') return FORM_BODY;
  const payload: Record<string, unknown> = { type: 'chart.updated', data: { patient_id: 'p1' } };
  // Only the first field the row names carries the id, so the order of the fields is tested too.
  if (row.deliveryId?.from === 'payload') {
    row.deliveryId.fields.forEach((field, index) => (payload[field] = index === 0 ? DELIVERY_ID : 'not-the-first'));
  }
  const field = bodyTimestampField(row);
  if (field !== null) payload[field] = atSeconds * 1000;
  return JSON.stringify(payload);
}

function sortedFormParameters(body: string): string {
  const pairs = [...new URLSearchParams(body)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return pairs.map(([name, value]) => name + value).join('');
}

/** A request signed exactly as the row describes, at `atSeconds`. */
function signFromRow(row: Preset, secret: string, atSeconds = NOW_SECONDS): RequestParts {
  const timestamp = timestampText(row, atSeconds);
  const body = bodyFor(row, atSeconds);
  const headers: Record<string, string> = {};
  const unsigned: string[] = [];
  for (const name of row.signatureHeaders) {
    if (row.timestamp?.source === `${name} header`) headers[name] = timestamp;
    else if (row.signedContent.includes(`{${name}}`)) headers[name] = SIGNED_ID;
    else unsigned.push(name);
  }
  // Every listed header but one is signed or is the timestamp; that one carries the signature.
  expect(unsigned).toHaveLength(1);
  const signatureHeader = unsigned[0] ?? '';

  const content = row.signedContent.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (name === 'body') return body;
    if (name in headers) return headers[name] ?? '';
    if (row.timestamp?.source.startsWith(`${name}= in `)) return timestamp;
    if (name === 'method') return 'POST';
    if (name === 'URL' || name === 'full URL' || name === 'notification URL') return PUBLIC_URL;
    if (name === 'each form parameter name followed by its value, sorted by name') return sortedFormParameters(body);
    throw new Error(`The signed content of "${row.label}" names {${name}}, which this test cannot fill in`);
  });
  const signature = createHmac(row.algorithm, keyBytes(row, secret)).update(content).digest(row.encoding);
  headers[signatureHeader] = (row.signaturePrefix ?? '').replace('…', timestamp) + signature;

  const firstDeliveryHeader = row.deliveryId?.from === 'header' ? row.deliveryId.names[0] : undefined;
  if (firstDeliveryHeader !== undefined && !(firstDeliveryHeader in headers)) headers[firstDeliveryHeader] = DELIVERY_ID;
  return { headers, body };
}

describe.each(PRESET_NAMES.map((name) => [name]))('The %s row of the presets table', (name: PresetName) => {
  const row: Preset = PRESETS[name];
  const auth = { method: 'hmac', preset: name } as const;
  const secret = secretFor(row);

  it('is what its verifier accepts: headers, signed content, algorithm, encoding and prefix', async () => {
    const outcome = await verifyWith(auth, secrets(secret), signFromRow(row, secret));
    expect(outcome.ok).toBe(true);
  });

  it('names the delivery id the verifier reports', async () => {
    const parts = signFromRow(row, secret);
    const verifier = await createVerifier(auth, secrets(secret));
    const outcome = await verifier.verify(inbound(parts), NOW);
    const fromPayload = verifier.deliveryIdFromPayload(JSON.parse(row.bodyFormat === 'json' ? parts.body : '{}'));
    const source = row.deliveryId;
    if (source === null) {
      expect({ outcome, fromPayload }).toEqual({ outcome: { ok: true, deliveryId: null }, fromPayload: null });
    } else if (source.from === 'header') {
      expect(outcome).toEqual({ ok: true, deliveryId: parts.headers[source.names[0] ?? ''] });
    } else {
      expect({ outcome, fromPayload }).toEqual({ outcome: { ok: true, deliveryId: null }, fromPayload: DELIVERY_ID });
    }
  });

  it.each(row.signatureHeaders.map((header) => [header]))(
    'finds no credential when %s is sent under another name',
    async (header: string) => {
      const parts = signFromRow(row, secret);
      const renamed = withHeader(withoutHeader(parts, header), `X-Renamed-${header}`, parts.headers[header] ?? '');
      expect(await verifyWith(auth, secrets(secret), renamed)).toMatchObject({ ok: false, reason: 'missing-credential' });
    },
  );

  it('has the body format and extra methods of its verifier', async () => {
    const verifier = await createVerifier(auth, secrets(secret));
    expect({ bodyFormat: verifier.bodyFormat, extraMethods: verifier.extraMethods }).toEqual({
      bodyFormat: row.bodyFormat,
      extraMethods: row.extraMethods,
    });
  });

  const tolerance = row.toleranceSeconds;
  if (tolerance !== null) {
    it('states the tolerance its verifier applies, either way', async () => {
      for (const skew of [tolerance - 2, -(tolerance - 2)]) {
        const inside = await verifyWith(auth, secrets(secret), signFromRow(row, secret, NOW_SECONDS - skew));
        expect(inside.ok).toBe(true);
      }
      for (const skew of [tolerance + 5, -(tolerance + 5)]) {
        const outside = await verifyWith(auth, secrets(secret), signFromRow(row, secret, NOW_SECONDS - skew));
        expect(outside).toMatchObject({ ok: false, reason: 'timestamp-out-of-tolerance' });
      }
    });
  }
});
