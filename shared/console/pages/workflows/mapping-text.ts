/**
 * The mapping textarea of the attach form: one `input_field = /json/pointer` per line (`←` or `:`
 * also work), or a JSON object as the API takes it. The console proposes a mapping in the line form
 * and reads back whatever the person left there.
 */
import type { FieldError } from '../../api-client';

export type MappingParse = { ok: true; mapping: Record<string, string> | undefined } | { ok: false; errors: FieldError[] };

const LINE = /^\s*([^=:←\s][^=:←]*?)\s*(?:=|:|←)\s*(\S.*?)\s*$/;

/** The mapping a person wrote; `undefined` when the box is empty (attach as Class A). */
export function parseMapping(raw: string): MappingParse {
  const trimmed = raw.trim();
  if (trimmed === '') return { ok: true, mapping: undefined };
  if (trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && Object.values(parsed).every((v) => typeof v === 'string')) {
        return { ok: true, mapping: parsed as Record<string, string> };
      }
    } catch {
      // Reported below with the line format, which is what the form asks for.
    }
    return { ok: false, errors: [{ path: '/mapping', message: 'Write the mapping as JSON { "input_field": "/pointer" } or as lines like patient_id = /patient/id.' }] };
  }
  const mapping: Record<string, string> = {};
  const errors: FieldError[] = [];
  trimmed.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const match = LINE.exec(line);
    if (!match?.[1] || !match[2]) {
      errors.push({ path: `/mapping (line ${i + 1})`, message: `“${line.trim()}” is not of the form input_field = /json/pointer` });
      return;
    }
    Object.defineProperty(mapping, match[1], { value: match[2], enumerable: true, writable: true, configurable: true });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, mapping };
}

/**
 * A mapping as the textarea shows it: lines, unless a field name could not be read back from a
 * line (it holds `=`, `:` or `←`, or starts with a space), then JSON. Either form round-trips
 * through parseMapping.
 */
export function mappingText(mapping: Readonly<Record<string, string>>): string {
  const entries = Object.entries(mapping);
  if (entries.length === 0) return '';
  const asLines = entries.map(([field, pointer]) => `${field} = ${pointer}`);
  const roundTrips = entries.every(([field, pointer], i) => {
    const match = LINE.exec(asLines[i] ?? '');
    return match?.[1] === field && match[2] === pointer;
  });
  return roundTrips ? asLines.join('\n') : JSON.stringify(mapping, null, 2);
}
