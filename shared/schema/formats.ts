/**
 * The string formats the edge enforces, and what each means.
 *
 * One definition serves inference, both validators and error messages: the checks are
 * @cfworker/json-schema's (tested against the official JSON-Schema-Test-Suite, no eval, safe in
 * workerd), so a format inferred from a sample is exactly the format the ingress later enforces.
 */
import { format as cfworkerFormats } from '@cfworker/json-schema';

/** Formats the edge can enforce; a schema naming any other format is refused by `checkEnforceable`. */
export const STRING_FORMATS = [
  'date-time',
  'date',
  'time',
  'email',
  'uuid',
  'uri',
  'uri-reference',
  'hostname',
  'ipv4',
  'ipv6',
] as const;

export type StringFormat = (typeof STRING_FORMATS)[number];

/** True when `name` is one of {@link STRING_FORMATS}. */
export function isStringFormat(name: string): name is StringFormat {
  return (STRING_FORMATS as readonly string[]).includes(name);
}

function checkerFor(name: StringFormat): (value: string) => boolean {
  const check = cfworkerFormats[name];
  // A missing checker means the library changed under us; fail at load, not silently accept.
  if (check === undefined) throw new Error(`@cfworker/json-schema has no "${name}" format`);
  return check;
}

/** The check for each format: true when the string is in that format. */
export const FORMAT_CHECKS: Readonly<Record<StringFormat, (value: string) => boolean>> = {
  'date-time': checkerFor('date-time'),
  date: checkerFor('date'),
  time: checkerFor('time'),
  email: checkerFor('email'),
  uuid: checkerFor('uuid'),
  uri: checkerFor('uri'),
  'uri-reference': checkerFor('uri-reference'),
  hostname: checkerFor('hostname'),
  ipv4: checkerFor('ipv4'),
  ipv6: checkerFor('ipv6'),
};

/** How a sender reads each format in an error message: a description with an example. */
export const FORMAT_DESCRIPTIONS: Readonly<Record<StringFormat, string>> = {
  'date-time': 'an RFC 3339 date-time such as 2026-11-26T12:00:00Z',
  date: 'a date such as 2026-11-26',
  time: 'a time with offset such as 12:00:00Z',
  email: 'an email address',
  uuid: 'a UUID such as 123e4567-e89b-12d3-a456-426614174000',
  uri: 'an absolute URI such as https://example.com/a',
  'uri-reference': 'a URI reference',
  hostname: 'a hostname such as example.com',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
};
