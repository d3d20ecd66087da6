/**
 * Ownership of a custom hostname: the org publishes `hasp-verify=<token>` in a DNS TXT record at
 * `_hasp-challenge.<hostname>`, and verification looks it up over DNS-over-HTTPS (Workers have no
 * resolver API). `DOMAIN_VERIFICATION = "offline"` (the local default in wrangler.toml [vars], and
 * so in tests) marks a hostname verified without a lookup, because dev machines and test runs own
 * no public DNS; production sets "dns", and any other value fails closed to "dns".
 */
import * as v from 'valibot';

export const DOH_ENDPOINT = 'https://cloudflare-dns.com/dns-query';
const TXT_TYPE = 16;

/** TXT strings at `name`; null when the lookup itself failed (as opposed to finding none). */
export type TxtLookup = (name: string) => Promise<string[] | null>;

export type VerificationMode = 'dns' | 'offline';

export function verificationMode(env: Pick<Env, 'DOMAIN_VERIFICATION'>): VerificationMode {
  return env.DOMAIN_VERIFICATION === 'offline' ? 'offline' : 'dns';
}

export function challengeName(hostname: string): string {
  return `_hasp-challenge.${hostname}`;
}

export function challengeValue(token: string): string {
  return `hasp-verify=${token}`;
}

const DohAnswer = v.object({
  Status: v.number(),
  Answer: v.optional(v.array(v.object({ type: v.number(), data: v.string() }))),
});

/** `"abc" "def"` (a TXT record split into strings) → `abcdef`. */
export function txtData(data: string): string {
  const parts = [...data.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => (m[1] ?? '').replace(/\\(.)/g, '$1'));
  return parts.length > 0 ? parts.join('') : data;
}

/** TXT lookup over Cloudflare's DNS-over-HTTPS JSON API. */
export function dohLookup(fetcher: typeof fetch = fetch): TxtLookup {
  return async (name) => {
    try {
      const response = await fetcher(`${DOH_ENDPOINT}?name=${encodeURIComponent(name)}&type=TXT`, { headers: { accept: 'application/dns-json' } });
      if (!response.ok) return null;
      const parsed = v.safeParse(DohAnswer, await response.json());
      if (!parsed.success) return null;
      // 0 NOERROR, 3 NXDOMAIN (no such name: no records); anything else is a failed lookup.
      if (parsed.output.Status !== 0 && parsed.output.Status !== 3) return null;
      return (parsed.output.Answer ?? []).filter((a) => a.type === TXT_TYPE).map((a) => txtData(a.data));
    } catch {
      return null;
    }
  };
}

export type VerifyOutcome =
  | { ok: true; method: VerificationMode }
  | { ok: false; reason: 'record-missing'; name: string; expected: string }
  | { ok: false; reason: 'lookup-failed'; name: string };

/** Whether `hostname`'s challenge record holds `token`, or offline mode vouches for it. */
export async function verifyOwnership(mode: VerificationMode, lookup: TxtLookup, hostname: string, token: string): Promise<VerifyOutcome> {
  if (mode === 'offline') return { ok: true, method: 'offline' };
  const name = challengeName(hostname);
  const expected = challengeValue(token);
  const records = await lookup(name);
  if (records === null) return { ok: false, reason: 'lookup-failed', name };
  return records.some((r) => r.trim() === expected) ? { ok: true, method: 'dns' } : { ok: false, reason: 'record-missing', name, expected };
}
