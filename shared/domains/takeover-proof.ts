/**
 * Proof that an org controls a hostname's DNS, which lets it take the hostname over from another
 * org's claim that is not active (a squatter's, or a team that left it half set up). The org
 * publishes `hasp-verify=<value>` in a TXT record at `_hasp-challenge.<hostname>`; the value is
 * derived from the org and the hostname, so it needs no storage and names the org that the DNS
 * owner chose. It is looked up over DNS-over-HTTPS (Workers have no resolver API).
 * `DOMAIN_VERIFICATION = "offline"` (the local default, and so in tests) makes no lookup and finds no
 * proof, because dev machines own no public DNS; production sets "dns", and any other value fails
 * closed to "dns".
 */
import * as v from 'valibot';
import { bytesToHex } from '../encoding/hex';

export const DOH_ENDPOINT = 'https://cloudflare-dns.com/dns-query';
const TXT_TYPE = 16;

/** TXT strings at `name`; null when the lookup itself failed (as opposed to finding none). */
export type TxtLookup = (name: string) => Promise<string[] | null>;

export type ProofMode = 'dns' | 'offline';

export function proofMode(env: Pick<Env, 'DOMAIN_VERIFICATION'>): ProofMode {
  return env.DOMAIN_VERIFICATION === 'offline' ? 'offline' : 'dns';
}

export interface TakeoverRecord {
  type: 'TXT';
  name: string;
  value: string;
}

/** The record `orgId` publishes to prove it controls `hostname`. */
export async function takeoverRecord(orgId: string, hostname: string): Promise<TakeoverRecord> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`hasp-takeover\n${orgId}\n${hostname}`));
  return { type: 'TXT', name: `_hasp-challenge.${hostname}`, value: `hasp-verify=${bytesToHex(new Uint8Array(digest).subarray(0, 20))}` };
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

export type ProofOutcome = 'proven' | 'record-missing' | 'lookup-failed';

/** Whether `record` is published; offline mode never finds it. */
export async function checkProof(mode: ProofMode, lookup: TxtLookup, record: TakeoverRecord): Promise<ProofOutcome> {
  if (mode === 'offline') return 'record-missing';
  const records = await lookup(record.name);
  if (records === null) return 'lookup-failed';
  return records.some((r) => r.trim() === record.value) ? 'proven' : 'record-missing';
}
