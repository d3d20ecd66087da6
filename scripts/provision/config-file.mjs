/**
 * Writes ids into wrangler.toml where wrangler reads them, editing the text line by line so every
 * comment and the order of the file stay as they were. Only a `key = "value"` line inside the one
 * `[[env.<env>.<array>]]` table that names the resource is changed; when there is no such line
 * (another layout, a JSON config), nothing is written and the caller prints what to paste.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Sets `key` in the `[[header]]` table whose `match.key` is `match.value`. Returns false, and
 * writes nothing, when the file has no such table or no such line.
 * @param {string} file
 * @param {string} header e.g. `env.production.d1_databases`
 * @param {{ key: string; value: string }} match
 * @param {string} key
 * @param {string} value
 */
export function setTableValue(file, header, match, key, value) {
  if (!file.endsWith('.toml')) return false;
  const lines = readFileSync(file, 'utf8').split('\n');
  const table = tableLines(lines, header).find(({ start, end }) => lines.slice(start, end).some((line) => valueOf(line, match.key) === match.value));
  if (table === undefined) return false;
  for (let i = table.start; i < table.end; i += 1) {
    const edited = withValue(lines[i] ?? '', key, value);
    if (edited !== null) {
      lines[i] = edited;
      writeFileSync(file, lines.join('\n'));
      return true;
    }
  }
  return false;
}

/** Every integer already used as a `namespace_id` anywhere in the file (every environment). */
export function namespaceIdsIn(file) {
  const used = new Set();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const id = valueOf(line, 'namespace_id');
    if (id !== null && /^\d+$/.test(id)) used.add(Number(id));
  }
  return used;
}

/** The line ranges [start, end) of each `[[header]]` table: from its header to the next table. */
function tableLines(lines, header) {
  const tables = [];
  for (let i = 0; i < lines.length; i += 1) {
    if (lines[i]?.trim() !== `[[${header}]]`) continue;
    let end = i + 1;
    while (end < lines.length && !(lines[end] ?? '').trim().startsWith('[')) end += 1;
    tables.push({ start: i + 1, end });
  }
  return tables;
}

/** The value of a `key = "value"` or `key = 123` line, or null for any other line. */
function valueOf(line, key) {
  const m = new RegExp(`^\\s*${key}\\s*=\\s*(?:"([^"]*)"|(\\d+))`).exec(line);
  if (m === null) return null;
  return m[1] ?? m[2] ?? null;
}

/** The line with its value replaced (a trailing comment kept), or null when it does not set `key`. */
function withValue(line, key, value) {
  const m = new RegExp(`^(\\s*${key}\\s*=\\s*)(?:"[^"]*"|\\d+)(.*)$`).exec(line);
  if (m === null) return null;
  return `${m[1]}${JSON.stringify(value)}${m[2]}`;
}
