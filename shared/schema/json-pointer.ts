/**
 * RFC 6901 JSON Pointers: the one way this service names a place inside a payload, in schema-mismatch
 * errors (`/updated_fields/0`) and in trigger mappings (`/patient/id`).
 *
 * Lookups only follow own properties, so a pointer such as `/__proto__` or `/constructor` can never
 * reach into an object's prototype.
 */

/** Escapes one reference token: `~` becomes `~0` and `/` becomes `~1` (in that order, per RFC 6901 §3). */
export function escape(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Reverses {@link escape}. `~1` is decoded before `~0` so `~01` stays the literal text `~1`. */
export function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Builds a pointer from unescaped tokens; no tokens is the root pointer `""`. */
export function fromTokens(tokens: readonly (string | number)[]): string {
  let pointer = '';
  for (const token of tokens) pointer += `/${escape(String(token))}`;
  return pointer;
}

// A `~` must be followed by 0 or 1; anything else is a malformed pointer, not a key with a tilde.
const VALID_POINTER = /^(?:\/(?:[^~/]|~[01])*)*$/;

/** True when `pointer` is a syntactically valid JSON Pointer (`""` or a sequence of `/token`). */
export function isValidPointer(pointer: string): boolean {
  return VALID_POINTER.test(pointer);
}

/** Splits a pointer into unescaped tokens; null when the pointer is malformed. */
export function parse(pointer: string): string[] | null {
  if (!isValidPointer(pointer)) return null;
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map(unescape);
}

// RFC 6901 §4: an array index is "0" or digits without a leading zero; "-" (past the end) never exists.
const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

/**
 * The value `pointer` refers to in `doc`, or undefined when it refers to nothing (a missing key, an
 * index past the end, a step into a primitive) or is malformed. JSON has no `undefined`, so the two
 * cannot be confused for parsed payloads.
 */
export function get(doc: unknown, pointer: string): unknown {
  const tokens = parse(pointer);
  if (tokens === null) return undefined;
  let current: unknown = doc;
  for (const token of tokens) {
    if (Array.isArray(current)) {
      if (!ARRAY_INDEX.test(token)) return undefined;
      const index = Number(token);
      if (index >= current.length) return undefined;
      current = current[index];
    } else if (current !== null && typeof current === 'object') {
      if (!Object.hasOwn(current, token)) return undefined;
      current = (current as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return current;
}
