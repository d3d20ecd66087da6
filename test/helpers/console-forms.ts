/**
 * A console form as a browser submits it, for pages with checkboxes: `formFields` (./console.ts)
 * reads every input's value, and a browser leaves out each checkbox that is not checked.
 */
import { formFields } from './console';

/** The fields of the form posting to `action`, without its unchecked checkboxes. */
export function submittedFields(html: string, action: string): Record<string, string> {
  const fields = formFields(html, action);
  const form = new RegExp(`<form[^>]*action="${action.replace(/[/.]/g, '\\$&')}"[^>]*>([\\s\\S]*?)</form>`).exec(html)?.[1] ?? '';
  for (const m of form.matchAll(/<input\b([^>]*)>/g)) {
    const attrs = m[1] ?? '';
    const name = /\bname="([^"]*)"/.exec(attrs)?.[1];
    if (name !== undefined && /\btype="checkbox"/.test(attrs) && !/\bchecked\b/.test(attrs)) delete fields[name];
  }
  return fields;
}
