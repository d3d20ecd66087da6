/**
 * Prefixed ids. Random ids carry 130 bits; derived ids (events from a delivery id, runs from an
 * event and a workflow) hash their inputs so a redelivery or a retried fan-out lands on the same id.
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lowercase
const ID_CHARS = 26;

export type IdPrefix = 'org' | 'prj' | 'wh' | 'wf' | 'evt' | 'run' | 'tok' | 'sec' | 'rej' | 'rpl' | 'req' | 'iss' | 'nch' | 'prp';

/**
 * An id that says its kind in its type as in its text: a function taking a `PrefixedId<'evt'>` does
 * not compile with a workflow's id, or with ids passed in the wrong order.
 */
export type PrefixedId<P extends IdPrefix> = `${P}_${string}`;

/** Whether `value` is an id of the kind `prefix` names. */
export function isPrefixedId<P extends IdPrefix>(prefix: P, value: string): value is PrefixedId<P> {
  return value.startsWith(`${prefix}_`);
}

/**
 * An id read back as plain text (a D1 column, a queue message) as the kind it was written as;
 * throws when it is another kind, which only a corrupted store or a bug can give.
 */
export function asPrefixedId<P extends IdPrefix>(prefix: P, value: string): PrefixedId<P> {
  if (!isPrefixedId(prefix, value)) throw new TypeError(`expected an id starting ${prefix}_, got ${JSON.stringify(value.slice(0, 40))}`);
  return value;
}

function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

export function randomId<P extends IdPrefix>(prefix: P): PrefixedId<P> {
  return `${prefix}_${base32(crypto.getRandomValues(new Uint8Array(17))).slice(0, ID_CHARS)}`;
}

/**
 * A random id that sorts by creation time, as a ULID does: 10 characters of the millisecond clock,
 * then 80 random bits. For rows written in floods (kept requests), where a random key would land
 * each insert on another page of the log's primary-key index.
 */
export function timeOrderedId<P extends IdPrefix>(prefix: P, now = Date.now()): PrefixedId<P> {
  let clock = '';
  for (let rest = now, i = 0; i < 10; i++, rest = Math.floor(rest / 32)) clock = ALPHABET[rest % 32] + clock;
  return `${prefix}_${clock}${base32(crypto.getRandomValues(new Uint8Array(10)))}`;
}

const encoder = new TextEncoder();

async function derivedId<P extends IdPrefix>(prefix: P, ...parts: string[]): Promise<PrefixedId<P>> {
  // The separator cannot occur in ids, so ("a", "bc") and ("ab", "c") never collide.
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(parts.join('\n')));
  return `${prefix}_${base32(new Uint8Array(digest)).slice(0, ID_CHARS)}`;
}

/** The event id of a sender delivery: the same (webhook, delivery id) always gives the same id. */
export function eventIdForDelivery(webhookId: PrefixedId<'wh'>, deliveryId: string): Promise<PrefixedId<'evt'>> {
  return derivedId('evt', webhookId, deliveryId);
}

/**
 * The id of the event a request becomes: derived from (webhook, delivery id) when the sender named
 * its delivery, so its redeliveries land on the same event; drawn at random when it did not.
 */
export function eventIdFor(webhookId: PrefixedId<'wh'>, deliveryId: string | null): Promise<PrefixedId<'evt'>> {
  return deliveryId === null ? Promise.resolve(randomId('evt')) : eventIdForDelivery(webhookId, deliveryId);
}

/** One run per (event, workflow): a retry lands on the same id, which the runtime takes once. */
export function runIdFor(eventId: PrefixedId<'evt'>, workflowId: PrefixedId<'wf'>): Promise<PrefixedId<'run'>> {
  return derivedId('run', eventId, workflowId);
}
