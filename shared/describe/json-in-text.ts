/**
 * A sample payload written into a description ("The EHR sends JSON like this: {…}"): the first
 * balanced `{…}` that parses as a JSON object. The rest of the text is returned without it, so
 * its keys do not end up in the slug.
 */

export interface FoundJson {
  sample: Record<string, unknown>;
  /** The description with the JSON cut out. */
  rest: string;
}

/** The end (exclusive) of the balanced object starting at `start`, honouring JSON strings. */
function balancedEnd(text: string, start: number): number | null {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return i + 1;
      if (depth < 0) return null;
    }
  }
  return null;
}

/** Typographic quotes a word processor put in: JSON needs straight ones. */
function straightenQuotes(text: string): string {
  return text.replace(/[“”„]/g, '"');
}

/**
 * How many opening braces are tried: a pasted sample is among the first few, and each try scans to
 * the end of the text, so text made of braces would otherwise cost time quadratic in its length.
 */
const STARTS_TRIED = 16;

export function jsonInText(description: string): FoundJson | null {
  const text = straightenQuotes(description);
  let tried = 0;
  for (let start = text.indexOf('{'); start >= 0 && tried < STARTS_TRIED; start = text.indexOf('{', start + 1), tried++) {
    const end = balancedEnd(text, start);
    if (end === null) continue;
    try {
      const value: unknown = JSON.parse(text.slice(start, end));
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        return { sample: value as Record<string, unknown>, rest: `${text.slice(0, start)} ${text.slice(end)}` };
      }
    } catch {
      // Not JSON (prose in braces, or a template): look for the next brace.
    }
  }
  return null;
}
