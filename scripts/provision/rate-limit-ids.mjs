/**
 * Rate-limit namespace ids. Wrangler creates nothing for a `[[ratelimits]]` binding: its
 * `namespace_id` is an integer the account's owner chooses, unique in the account
 * (developers.cloudflare.com/workers/runtime-apis/bindings/rate-limit/). Two bindings with one id
 * share their counters, so another environment of this Worker (a staging env) in the same account
 * must not reuse production's ids, and nothing lists the ids an account already uses.
 *
 * So the ids are a block of consecutive integers whose start is derived from the Worker's name
 * (which names the environment: `hasp-webhooks-production`): the same on every run, different for
 * another environment or Worker, and never an id the config file already uses. The dev config's
 * 1001… (the docs' example numbers, which other Workers copy) are avoided by starting at 100,000.
 */

const FIRST_ID = 100_000;
const BLOCK_SIZE = 100;
const BLOCKS = 9_000;

/**
 * An id for each of `names`, in order, from the Worker's block, skipping `used`.
 * @param {string} workerName
 * @param {readonly string[]} names
 * @param {ReadonlySet<number>} used
 * @returns {Map<string, string>}
 */
export function chooseNamespaceIds(workerName, names, used) {
  const ids = new Map();
  let next = FIRST_ID + (fnv1a(workerName) % BLOCKS) * BLOCK_SIZE;
  for (const name of names) {
    while (used.has(next)) next += 1;
    ids.set(name, String(next));
    next += 1;
  }
  return ids;
}

/** FNV-1a, 32-bit, of the UTF-8 bytes: small, stable, and spread enough to pick a block. */
function fnv1a(text) {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
