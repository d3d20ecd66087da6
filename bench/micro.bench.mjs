// Micro-benchmarks of what the ingress runs per request, in Node with the service's own modules
// (Web Crypto is the same API in workerd; absolute numbers differ, proportions carry over):
//   - signature verification for every scheme createVerifier knows, at 1 KB and 1 MiB, accepted
//     and refused (one signature character changed);
//   - time to 401 against the number of forged signature entries (1 MiB body, Standard Webhooks and
//     Stripe): refusing costs one HMAC per active key, and past MAX_SIGNATURE_CANDIDATES none;
//   - the accepted in-process path (verify + parse + schema + event id) against a refused one;
//   - the config-cache lookup (WebhookResolver hit, TtlCache hit in a 10,000-entry cache);
//   - sealing a payload for the project's log (AES-256-GCM under the data key), what the consumer
//     adds per event, beside the ingress's own work on the same 1 KB event.
// Schema validation is bench/schema.bench.mjs (valibot vs @cfworker/json-schema); `npm run bench`
// runs both. Run alone: node bench/micro.bench.mjs  (MICRO_JSON=path also writes the results;
// MICRO_ONLY=<regex> runs only the benchmarks whose names match, e.g. MICRO_ONLY='^401 ').
import { createHmac } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { bench, do_not_optimize, group, run, summary } from 'mitata';
import { bundleModules } from './lib/bundle-modules.mjs';
import { chartPayload, chartPayloadMismatch } from './lib/payloads.mjs';

const mod = await bundleModules('micro-modules', [
  "export { createVerifier, PRESETS, PRESET_NAMES, AuthConfigSchema } from './shared/signatures/index';",
  "export { MAX_SIGNATURE_CANDIDATES } from './shared/signatures/outcomes';",
  "export { parse as parseWith } from 'valibot';",
  "export { compileValidator, inferSchema } from './shared/schema/index';",
  "export { parseBody } from './shared/ingress/parse-body';",
  "export { eventIdForDelivery } from './shared/ids';",
  "export { WebhookResolver } from './shared/ingress/webhook-resolver';",
  "export { TtlCache } from './shared/ingress/ttl-cache';",
  "export { createDb } from './shared/db/client';",
  "export { sealText, openText, payloadAad } from './shared/secrets/payload-seal';",
  "export { importAesKey } from './shared/secrets/aead';",
]);
const { MAX_SIGNATURE_CANDIDATES, sealText, openText, payloadAad, importAesKey, createDb, createVerifier, PRESET_NAMES, AuthConfigSchema, parseWith, compileValidator, inferSchema, parseBody, eventIdForDelivery, WebhookResolver, TtlCache } = mod;

// ---- signed requests, built as each sender documents it, with node:crypto -----------------------
const URL_PUBLIC = 'https://acme.usehasp.run/webhooks/bench';
const NOW = Math.floor(Date.now() / 1000) * 1000;
const TS = String(NOW / 1000);
const hmac = (alg, key, ...parts) => {
  const h = createHmac(alg, key);
  for (const p of parts) h.update(p);
  return h;
};
const WHSEC = `whsec_${Buffer.from('bench-secret-0123456789abcdef0123').toString('base64')}`;
const SECRET = 'bench-sender-secret-0123456789';

/** A JSON body of about `bytes`, with the fields some schemes read (ids, Linear's timestamp). */
function jsonBody(bytes) {
  const base = { id: 'evt_bench', event_id: 'Ev0BENCH', type: 'bench', webhookTimestamp: NOW, data: { note: '' } };
  base.data.note = 'x'.repeat(Math.max(0, bytes - JSON.stringify(base).length));
  return JSON.stringify(base);
}
function formBody(bytes) {
  const head = 'MessageSid=SM123&From=%2B14158675310&To=%2B15005550006&Body=';
  return head + 'x'.repeat(Math.max(0, bytes - head.length));
}

/** scheme → { auth, secret, sign(body) → { headers, url, body } } */
const SCHEMES = {
  'standard-webhooks (default)': {
    auth: { method: 'hmac' },
    secret: WHSEC,
    sign: (body) => ({
      headers: { 'webhook-id': 'msg_1', 'webhook-timestamp': TS, 'webhook-signature': `v1,${hmac('sha256', Buffer.from(WHSEC.slice(6), 'base64'), `msg_1.${TS}.`, body).digest('base64')}` },
    }),
  },
  stripe: { auth: { method: 'hmac', preset: 'stripe' }, secret: WHSEC, sign: (body) => ({ headers: { 'stripe-signature': `t=${TS},v1=${hmac('sha256', WHSEC, `${TS}.`, body).digest('hex')}` } }) },
  github: { auth: { method: 'hmac', preset: 'github' }, secret: SECRET, sign: (body) => ({ headers: { 'x-hub-signature-256': `sha256=${hmac('sha256', SECRET, body).digest('hex')}`, 'x-github-delivery': 'd-1' } }) },
  shopify: { auth: { method: 'hmac', preset: 'shopify' }, secret: SECRET, sign: (body) => ({ headers: { 'x-shopify-hmac-sha256': hmac('sha256', SECRET, body).digest('base64'), 'x-shopify-webhook-id': 'w-1' } }) },
  slack: { auth: { method: 'hmac', preset: 'slack' }, secret: SECRET, sign: (body) => ({ headers: { 'x-slack-signature': `v0=${hmac('sha256', SECRET, `v0:${TS}:`, body).digest('hex')}`, 'x-slack-request-timestamp': TS } }) },
  twilio: {
    auth: { method: 'hmac', preset: 'twilio' },
    secret: SECRET,
    form: true,
    sign: (body) => {
      const params = [...new URLSearchParams(body)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const signed = URL_PUBLIC + params.map(([k, v]) => k + v).join('');
      return { headers: { 'x-twilio-signature': hmac('sha1', SECRET, signed).digest('base64'), 'content-type': 'application/x-www-form-urlencoded' } };
    },
  },
  zoom: { auth: { method: 'hmac', preset: 'zoom' }, secret: SECRET, sign: (body) => ({ headers: { 'x-zm-signature': `v0=${hmac('sha256', SECRET, `v0:${TS}:`, body).digest('hex')}`, 'x-zm-request-timestamp': TS } }) },
  meta: { auth: { method: 'hmac', preset: 'meta', verify_token: 'bench-verify-token' }, secret: SECRET, sign: (body) => ({ headers: { 'x-hub-signature-256': `sha256=${hmac('sha256', SECRET, body).digest('hex')}` } }) },
  square: { auth: { method: 'hmac', preset: 'square' }, secret: SECRET, sign: (body) => ({ headers: { 'x-square-hmacsha256-signature': hmac('sha256', SECRET, URL_PUBLIC, body).digest('base64') } }) },
  paddle: { auth: { method: 'hmac', preset: 'paddle' }, secret: SECRET, sign: (body) => ({ headers: { 'paddle-signature': `ts=${TS};h1=${hmac('sha256', SECRET, `${TS}:`, body).digest('hex')}` } }) },
  linear: { auth: { method: 'hmac', preset: 'linear' }, secret: SECRET, sign: (body) => ({ headers: { 'linear-signature': hmac('sha256', SECRET, body).digest('hex'), 'linear-delivery': 'd-1' } }) },
  hubspot: {
    auth: { method: 'hmac', preset: 'hubspot' },
    secret: SECRET,
    sign: (body) => ({ headers: { 'x-hubspot-signature-v3': hmac('sha256', SECRET, `POST${URL_PUBLIC}`, body, String(NOW)).digest('base64'), 'x-hubspot-request-timestamp': String(NOW) } }),
  },
  twitch: {
    auth: { method: 'hmac', preset: 'twitch' },
    secret: SECRET,
    sign: (body) => {
      const ts = new Date(NOW).toISOString();
      return {
        headers: {
          'twitch-eventsub-message-id': 'm-1',
          'twitch-eventsub-message-timestamp': ts,
          'twitch-eventsub-message-signature': `sha256=${hmac('sha256', SECRET, `m-1${ts}`, body).digest('hex')}`,
          'twitch-eventsub-message-type': 'notification',
        },
      };
    },
  },
  intercom: { auth: { method: 'hmac', preset: 'intercom' }, secret: SECRET, sign: (body) => ({ headers: { 'x-hub-signature': `sha1=${hmac('sha1', SECRET, body).digest('hex')}` } }) },
  'generic-hmac sha256 hex': {
    auth: { method: 'hmac', header: 'X-Signature', prefix: 'sha256=', algorithm: 'sha256', encoding: 'hex', signed_content: 'body' },
    secret: SECRET,
    sign: (body) => ({ headers: { 'x-signature': `sha256=${hmac('sha256', SECRET, body).digest('hex')}` } }),
  },
  'generic-hmac sha512 base64 ts.body': {
    auth: { method: 'hmac', header: 'X-Signature', algorithm: 'sha512', encoding: 'base64', signed_content: 'timestamp.body', timestamp_header: 'X-Timestamp', tolerance_seconds: 300 },
    secret: SECRET,
    sign: (body) => ({ headers: { 'x-signature': hmac('sha512', SECRET, `${TS}.`, body).digest('base64'), 'x-timestamp': TS } }),
  },
  bearer: { auth: { method: 'bearer' }, secret: SECRET, sign: () => ({ headers: { authorization: `Bearer ${SECRET}` } }) },
  'header token': { auth: { method: 'header', header: 'X-Hasp-Token' }, secret: SECRET, sign: () => ({ headers: { 'x-hasp-token': SECRET } }) },
};

const SIZES = { '1KB': 1024, '1MiB': 1024 * 1024 };
const encoder = new TextEncoder();

/** The same request with one character of its credential changed (same length and alphabet). */
function forged(headers) {
  const out = { ...headers };
  const name = Object.keys(out).find((h) => /signature|authorization|token|hmac/.test(h) && !/timestamp|type/.test(h));
  const value = out[name];
  // The middle, not the end: the last base64 digit before padding carries bits no decoder reads.
  const i = Math.floor(value.length / 2) + 1;
  const c = value[i];
  out[name] = value.slice(0, i) + (c === 'a' ? 'b' : c === '0' ? '1' : c === 'A' ? 'B' : 'a') + value.slice(i + 1);
  return out;
}

const inbound = (headers, body) => ({ method: 'POST', url: new URL(URL_PUBLIC), headers: new Headers(headers), body });

const checks = [];
const cases = [];
const covered = new Set();
for (const [name, scheme] of Object.entries(SCHEMES)) {
  // Parsed as the config loader parses a stored config, so defaults are filled in as in production.
  const verifier = await createVerifier(parseWith(AuthConfigSchema, scheme.auth), [{ value: scheme.secret, expiresAt: null }]);
  covered.add(scheme.auth.method === 'hmac' ? scheme.auth.preset ?? (scheme.auth.header ? 'generic-hmac' : 'standard-webhooks') : scheme.auth.method);
  for (const [sizeLabel, bytes] of Object.entries(SIZES)) {
    const text = scheme.form ? formBody(bytes) : jsonBody(bytes);
    const body = encoder.encode(text);
    const { headers } = scheme.sign(text);
    const good = inbound(headers, body);
    const bad = inbound(forged(headers), body);
    const okOutcome = await verifier.verify(good, NOW);
    const badOutcome = await verifier.verify(bad, NOW);
    checks.push({ scheme: name, size: sizeLabel, accepted: okOutcome.ok, forged_refused: !badOutcome.ok, forged_reason: badOutcome.ok ? null : badOutcome.reason });
    cases.push({ scheme: name, size: sizeLabel, verifier, good, bad, accepted: okOutcome.ok });
  }
}
const uncovered = PRESET_NAMES.filter((p) => !covered.has(p));

for (const size of Object.keys(SIZES)) {
  group(`verify ${size}`, () => {
    summary(() => {
      for (const c of cases.filter((x) => x.size === size)) {
        if (c.accepted) bench(`${c.scheme} accept ${size}`, async () => do_not_optimize(await c.verifier.verify(c.good, NOW)));
        bench(`${c.scheme} forged ${size}`, async () => do_not_optimize(await c.verifier.verify(c.bad, NOW)));
      }
    });
  });
}

// ---- time to 401 against signature entries: N forged candidates over a 1 MiB body ----------------
// Before each key's HMAC was computed once, every entry cost a full HMAC over the body (600 entries,
// a 28 KB header: ~0.5 s to answer 401). Now: one HMAC per active key up to the cap, none beyond it.
const FLOOD_COUNTS = [...new Set([1, 10, MAX_SIGNATURE_CANDIDATES, MAX_SIGNATURE_CANDIDATES + 1, 100, 1000])].sort((a, b) => a - b);
const FLOOD_SCHEMES = {
  'standard-webhooks': {
    auth: { method: 'hmac' },
    headers: (n) => ({
      'webhook-id': 'msg_flood',
      'webhook-timestamp': TS,
      'webhook-signature': Array.from({ length: n }, () => `v1,${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`).join(' '),
    }),
  },
  stripe: {
    auth: { method: 'hmac', preset: 'stripe' },
    headers: (n) => ({ 'stripe-signature': [`t=${TS}`, ...Array.from({ length: n }, () => `v1=${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex')}`)].join(',') }),
  },
};
/** HMACs Web Crypto computes (sign or verify) while `work` runs. */
async function hmacsDuring(work) {
  const subtle = crypto.subtle;
  const { sign, verify } = subtle;
  let count = 0;
  subtle.sign = (...args) => (count++, sign.apply(subtle, args));
  subtle.verify = (...args) => (count++, verify.apply(subtle, args));
  try {
    await work();
  } finally {
    subtle.sign = sign;
    subtle.verify = verify;
  }
  return count;
}
const floodBody = encoder.encode(jsonBody(SIZES['1MiB']));
const floodRows = [];
const floodCases = [];
for (const [scheme, { auth, headers }] of Object.entries(FLOOD_SCHEMES)) {
  const verifier = await createVerifier(parseWith(AuthConfigSchema, auth), [{ value: WHSEC, expiresAt: null }]);
  for (const entries of FLOOD_COUNTS) {
    const req = inbound(headers(entries), floodBody);
    const name = `401 ${scheme}, ${entries} signature entr${entries === 1 ? 'y' : 'ies'}, 1MiB`;
    let outcome;
    const hmacs = await hmacsDuring(async () => (outcome = await verifier.verify(req, NOW)));
    floodRows.push({ scheme, entries, name, hmacs, refused: !outcome.ok, reason: outcome.ok ? null : outcome.reason, detail: outcome.ok ? null : outcome.detail });
    floodCases.push({ name, verifier, req });
  }
}
group('time to 401 vs signature entries (1 MiB body, forged)', () => {
  summary(() => {
    for (const c of floodCases) bench(c.name, async () => do_not_optimize(await c.verifier.verify(c.req, NOW)));
  });
});

// ---- accepted in-process path vs a refused one (1 KB, default scheme) ----------------------------
const sample = chartPayload(1024);
const validator = compileValidator(inferSchema([sample]));
const pathText = JSON.stringify(sample);
const pathBody = encoder.encode(pathText);
const defaultVerifier = await createVerifier({ method: 'hmac' }, [{ value: WHSEC, expiresAt: null }]);
const pathHeaders = SCHEMES['standard-webhooks (default)'].sign(pathText).headers;
const acceptedReq = inbound({ ...pathHeaders, 'content-type': 'application/json' }, pathBody);
const forgedReq = inbound({ ...forged(pathHeaders), 'content-type': 'application/json' }, pathBody);
const mismatchText = JSON.stringify(chartPayloadMismatch(1024));
const mismatchReq = inbound({ ...SCHEMES['standard-webhooks (default)'].sign(mismatchText).headers, 'content-type': 'application/json' }, encoder.encode(mismatchText));

async function acceptedPath(req) {
  const auth = await defaultVerifier.verify(req, NOW);
  if (!auth.ok) return auth;
  const parsed = parseBody('application/json', req.body, 'json');
  if (!parsed.ok) return parsed;
  const valid = validator.validate(parsed.payload);
  if (!valid.ok) return valid;
  const eventId = await eventIdForDelivery('wh_bench', auth.deliveryId);
  return { eventId, message: JSON.stringify({ v: 1, event_id: eventId, payload_json: parsed.json }) };
}
{
  const a = await acceptedPath(acceptedReq);
  const f = await acceptedPath(forgedReq);
  const m = await acceptedPath(mismatchReq);
  checks.push({ scheme: 'ingress path', size: '1KB', accepted: typeof a.eventId === 'string', forged_refused: f.ok === false, mismatch_refused: m.ok === false });
}
group('ingress work per request, 1 KB (no I/O)', () => {
  summary(() => {
    bench('accepted: verify + parse + validate + event id + message', async () => do_not_optimize(await acceptedPath(acceptedReq)));
    bench('refused 401: verify fails', async () => do_not_optimize(await acceptedPath(forgedReq)));
    bench('refused 400: verify + parse + validate fails', async () => do_not_optimize(await acceptedPath(mismatchReq)));
  });
});

// ---- config-cache lookup -------------------------------------------------------------------------
const resolver = new WebhookResolver();
const settings = { runtimeDomain: 'usehasp.run', localSuffix: 'localhost' };
const directory = { orgId: 'org_acme', orgSlug: 'acme', slugs: new Set(['bench-hmac']) };
const runtime = { id: 'wh_bench', slug: 'bench-hmac', enabled: true, verifier: defaultVerifier, validator };
const never = () => Promise.reject(new Error('a warm lookup must not load'));
const bg = () => undefined;
// Prime both levels as a first request would (the loaders stand in for D1 here).
await resolver.hosts.get('org:acme', NOW, 10_000, async () => directory, bg);
await resolver.webhooks.get('org_acme\nbench-hmac', NOW, 10_000, async () => runtime, bg);
const ctx = { db: null, masterKey: never, now: NOW + 1, ttlMs: 10_000, background: bg };
if ((await resolver.resolve('acme.usehasp.run', 'bench-hmac', settings, ctx)) !== runtime) throw new Error('resolver did not hit');
const big = new TtlCache(10_000);
for (let i = 0; i < 10_000; i++) await big.get(`org_${i}\nslug`, NOW, 10_000, async () => ({ i }), bg);
group('config cache (warm isolate)', () => {
  summary(() => {
    bench('WebhookResolver.resolve hit (host → org → webhook)', async () => do_not_optimize(await resolver.resolve('acme.usehasp.run', 'bench-hmac', settings, ctx)));
    bench('WebhookResolver.resolve unknown slug (404 from memory)', async () => do_not_optimize(await resolver.resolve('acme.usehasp.run', 'nope', settings, ctx)));
    bench('TtlCache.get hit, 10,000 entries', async () => do_not_optimize(await big.get('org_5000\nslug', NOW + 1, 10_000, never, bg)));
  });
});

// ---- payloads at rest: what the consumer adds per event to keep it sealed -------------------------
const dataKey = await importAesKey(crypto.getRandomValues(new Uint8Array(32)));
const sealed1k = await sealText(dataKey, pathText, payloadAad('evt_bench'));
if ((await openText(dataKey, sealed1k, payloadAad('evt_bench'))) !== pathText) throw new Error('seal/open round trip failed');
const text64k = JSON.stringify(chartPayload(64 * 1024));
group('payload sealing (AES-256-GCM, project data key)', () => {
  summary(() => {
    bench('seal 1 KB payload', async () => do_not_optimize(await sealText(dataKey, pathText, payloadAad('evt_bench'))));
    bench('open 1 KB payload', async () => do_not_optimize(await openText(dataKey, sealed1k, payloadAad('evt_bench'))));
    bench('seal 64 KB payload', async () => do_not_optimize(await sealText(dataKey, text64k, payloadAad('evt_bench'))));
  });
});

// shared/ingress/app.ts calls createDb(env.DB) on every request, hit or miss: drizzle() walks the
// whole schema (extractTablesRelationalConfig) each time. This is what that costs per request.
const fakeD1 = { prepare: () => { throw new Error('no I/O here'); }, batch: async () => [], exec: async () => ({}) };
group('per-request setup', () => {
  summary(() => {
    bench('createDb(env.DB) (drizzle with the relational schema)', () => do_not_optimize(createDb(fakeD1)));
  });
});

const only = process.env.MICRO_ONLY ? new RegExp(process.env.MICRO_ONLY) : undefined;
const result = await run({ format: process.env.MICRO_JSON ? 'quiet' : 'mitata', colors: false, ...(only ? { filter: only } : {}) });
const rows = [];
for (const trial of result.benchmarks) {
  for (const r of trial.runs) {
    if (!r.stats) continue;
    rows.push({ name: r.name, avg_ns: r.stats.avg, p50_ns: r.stats.p50, p99_ns: r.stats.p99, min_ns: r.stats.min, max_ns: r.stats.max, samples: r.stats.samples?.length ?? null });
  }
}
const signatureFlood = { max_candidates: MAX_SIGNATURE_CANDIDATES, body_bytes: floodBody.length, active_keys: 1, measured_at: new Date().toISOString(), rows: floodRows };
const out = { node: process.version, ...(only ? { only: only.source } : {}), checks, presets_without_bench: uncovered, benchmarks: rows, signature_flood: signatureFlood };
if (process.env.MICRO_JSON) {
  await writeFile(process.env.MICRO_JSON, JSON.stringify(out, null, 2));
  for (const row of rows) console.log(`${row.name.padEnd(60)} ${(row.avg_ns / 1000).toFixed(2).padStart(10)} µs`);
}
const failed = checks.filter((c) => !c.accepted || !c.forged_refused);
if (failed.length > 0) console.error(`signer/verifier disagreements: ${JSON.stringify(failed)}`);
const floodAccepted = floodRows.filter((r) => !r.refused);
if (floodAccepted.length > 0) console.error(`forged signature floods accepted: ${JSON.stringify(floodAccepted.map((r) => r.name))}`);
