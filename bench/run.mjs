#!/usr/bin/env node
// `npm run bench`: the ingress against the runtime's own limit, in one run on this machine.
//
// Starts `wrangler dev` servers with the same runtime and flags on separate ports: the service (as
// `npm run dev` runs it: wrangler.toml with the stand-in runtime beside it in one process, its own
// state in bench/.tmp/state, migrations and bench/seed.ts applied; a counted copy, the same
// Workers built from bench/service/ with a D1 counter and metric lines, counts D1 statements per
// request in runs of its own, so the measured one pays nothing `npm run dev` does not), the enqueue-only
// baseline (bench/baseline) and the bare Worker (bench/bare). Drives them with autocannon on
// 127.0.0.1 in short slices, alternating service and baseline (A/B, then B/A, …) per scenario and
// concurrency (for the accept scenarios also the bare Worker, and, as diagnostics, the service's
// Worker with its queue consumer detached and, for 1 KB, the baseline drained by the service's own
// consumer), then measures fan-out at 1…1,000 workflows, workerd's
// memory (also with 1, 5 and 10 MiB bodies), and the micro-benchmarks. Writes results JSON and BENCHMARKS.md.
// For 64 KB and 512 KB it also runs the baseline with its consumer detached, and splits each
// event's CPU in the Worker's workerd into the ingress and the consumer's steps (bench/lib/steps.mjs
// names the functions of each step; bench/lib/step-split.mjs computes and renders the split).
//
// Environment (all optional):
//   BENCH_SLICES=10 BENCH_SLICE_SECONDS=2   slices per target, scenario and concurrency, and their length
//   BENCH_SECONDS=10            seconds of each profiled run
//   BENCH_FIXED_RATE=150        req/s of the latency runs at a fixed rate (accept-1k, reject-401)
//   BENCH_QUICK=1               ~1 s runs on a small subset (the smoke test)
//   BENCH_OUT=path              results JSON (default bench/results.json; quick: bench/.tmp/results-quick.json)
//   BENCH_MD=path               markdown report (default BENCHMARKS.md; not written in quick mode unless set)
//   BENCH_PORT_SERVICE=8791 BENCH_PORT_BASELINE=8792 BENCH_PORT_BARE=8793 BENCH_PORT_INGRESS_ONLY=8794
//   BENCH_PORT_BASELINE_CONSUMER=8795 BENCH_PORT_SERVICE_COUNTED=8796
//   BENCH_PORT_BASELINE_DETACHED=8790   the baseline without its consumer (only when accept-64k or accept-512k runs)
//   BENCH_INSPECTOR_PORT=9291   first of seven inspector ports (9291–9297)
//   BENCH_CONNECTIONS=10,50     BENCH_SCENARIOS=accept-1k,reject-401,…
//   BENCH_FANOUT=1,10,100,1000  BENCH_FANOUT_REPEATS=3   BENCH_MEMORY_ROUNDS=5
//   BENCH_LOG_BATCHES=50 BENCH_LOG_REPEATS=3   batches of 100 events fed to one project's log, and how often
//   BENCH_PROFILE_SCENARIOS=reject-400   profile these scenarios on the service instead of the default plan
//   BENCH_SKIP_MICRO=1          skip micro-benchmarks (bench/micro.bench.mjs, bench/schema.bench.mjs)
//   BENCH_HEAP=0                skip reading the isolate's heap after GC each memory round (on by default; off in quick mode)
//   BENCH_LARGE_BODIES=1,5,10   MiB of the signed JSON bodies (webhook bench-large, 10 MiB limit) sent 4 at once to
//                               the service to read the isolate's peak heap and heap after GC; 0 skips (default
//                               1,5,10; off in quick mode unless set)
//   BENCH_LARGE_ROUNDS=3        rounds per body size (the report keeps each size's largest reading)
import autocannon from 'autocannon';
import { execFile, execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { cpSync, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import standardwebhooks from 'standardwebhooks';
import { chartPayload, chartPayloadMismatch, fhirBundle } from './lib/payloads.mjs';
import { largeBodySummary } from './lib/large-bodies.mjs';
import { cpuByName, killAllNow, memoryOf, startGroup, stopAll, workerdUnder } from './lib/procs.mjs';
import { cpuProfile, heapProbe, heapWatch, summariseProfile } from './lib/profile.mjs';
import { renderMarkdown } from './lib/report.mjs';
import { stepSplit } from './lib/step-split.mjs';
import { CONSUMER_STEPS } from './lib/steps.mjs';
import { withSignatureFloodSection } from './lib/signature-flood-report.mjs';
import { latencySummary, ratioSummary } from './lib/stats.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TMP = path.join(ROOT, 'bench/.tmp');
const WRANGLER = path.join(ROOT, 'node_modules/.bin/wrangler');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

const env = process.env;
const QUICK = env.BENCH_QUICK === '1';
const list = (value, fallback) => (value ? value.split(',').map((s) => s.trim()).filter(Boolean) : fallback);
const CONFIG = {
  quick: QUICK,
  seconds: Number(env.BENCH_SECONDS ?? (QUICK ? 1 : 10)),
  warmupSeconds: QUICK ? 1 : 2,
  slices: Number(env.BENCH_SLICES ?? (QUICK ? 2 : 10)),
  sliceSeconds: Number(env.BENCH_SLICE_SECONDS ?? (QUICK ? 1 : 2)),
  fixedRate: Number(env.BENCH_FIXED_RATE ?? (QUICK ? 50 : 150)),
  connections: list(env.BENCH_CONNECTIONS, QUICK ? ['10'] : ['10', '50']).map(Number),
  scenarios: list(env.BENCH_SCENARIOS, QUICK ? ['accept-1k', 'reject-401'] : null),
  fanOutSizes: list(env.BENCH_FANOUT, QUICK ? ['1', '10'] : ['1', '10', '100', '1000']).map(Number),
  fanOutRepeats: Number(env.BENCH_FANOUT_REPEATS ?? (QUICK ? 1 : 3)),
  memoryRounds: Number(env.BENCH_MEMORY_ROUNDS ?? (QUICK ? 1 : 5)),
  micro: env.BENCH_SKIP_MICRO !== '1' && !QUICK,
  logProbeBatches: Number(env.BENCH_LOG_BATCHES ?? (QUICK ? 2 : 50)),
  logProbeRepeats: Number(env.BENCH_LOG_REPEATS ?? (QUICK ? 1 : 3)),
  ports: {
    service: Number(env.BENCH_PORT_SERVICE ?? 8791),
    baseline: Number(env.BENCH_PORT_BASELINE ?? 8792),
    bare: Number(env.BENCH_PORT_BARE ?? 8793),
    ingressOnly: Number(env.BENCH_PORT_INGRESS_ONLY ?? 8794),
    baselineConsumer: Number(env.BENCH_PORT_BASELINE_CONSUMER ?? 8795),
    serviceCounted: Number(env.BENCH_PORT_SERVICE_COUNTED ?? 8796),
    baselineDetached: Number(env.BENCH_PORT_BASELINE_DETACHED ?? 8790),
    serviceOnDisk: Number(env.BENCH_PORT_SERVICE_ON_DISK ?? 8797),
  },
  largeBodiesMiB: env.BENCH_LARGE_BODIES === '0' ? [] : list(env.BENCH_LARGE_BODIES, QUICK ? [] : ['1', '5', '10']).map(Number),
  largeRounds: Number(env.BENCH_LARGE_ROUNDS ?? (QUICK ? 1 : 3)),
  inspectorPort: Number(env.BENCH_INSPECTOR_PORT ?? 9291),
  out: path.resolve(ROOT, env.BENCH_OUT ?? (QUICK ? 'bench/.tmp/results-quick.json' : 'bench/results.json')),
  md: env.BENCH_MD ? path.resolve(ROOT, env.BENCH_MD) : QUICK ? null : path.join(ROOT, 'BENCHMARKS.md'),
};
const READ_HEAP = env.BENCH_HEAP === '1' || (!QUICK && env.BENCH_HEAP !== '0');
const ORG_HOST = 'acme.usehasp.run';
const API_HOST = 'api.usehasp.run';
const log = (...args) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const quietEnv = { ...env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', FORCE_COLOR: '0' };

// ---- cleanup: every group we start is stopped, whatever happens ---------------------------------
process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAllNow();
    process.exit(130);
  });
}

// ---- secrets of this run (never written outside bench/.tmp) -------------------------------------
const SECRETS = {
  masterKey: randomBytes(32).toString('base64'),
  apiToken: `hasp_${randomBytes(24).toString('base64url')}`,
  whsec: `whsec_${randomBytes(32).toString('base64')}`,
  wrongWhsec: `whsec_${randomBytes(32).toString('base64')}`,
  bearer: `bench_${randomBytes(24).toString('base64url')}`,
};

/** Standard Webhooks signing with node:crypto (the npm library's pure-JS SHA-256 would bottleneck the client on 512 KB). */
function standardSignature(whsec, id, timestamp, body) {
  const key = Buffer.from(whsec.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64')}`;
}

function checkSignerAgainstLibrary() {
  const body = Buffer.from(JSON.stringify(chartPayload(1024)));
  const at = new Date();
  const ours = standardSignature(SECRETS.whsec, 'msg_check', String(Math.floor(at.getTime() / 1000)), body);
  const theirs = new standardwebhooks.Webhook(SECRETS.whsec).sign('msg_check', at, body.toString());
  if (ours !== theirs) throw new Error(`bench signer disagrees with the standardwebhooks package: ${ours} vs ${theirs}`);
}

// ---- scenarios --------------------------------------------------------------------------------
const json = (value) => Buffer.from(JSON.stringify(value));
const ALL_SCENARIOS = [
  { id: 'accept-1k', label: 'default HMAC + schema, 1 KB', slug: 'bench-hmac', body: json(chartPayload(1024)), auth: 'hmac', expect: 202, target: 0.9 },
  { id: 'accept-64k', label: 'default HMAC + schema, 64 KB', slug: 'bench-bundle', body: json(fhirBundle(64 * 1024)), auth: 'hmac', expect: 202, target: 0.75 },
  { id: 'accept-512k', label: 'default HMAC + schema, 512 KB (claim-check)', slug: 'bench-bundle', body: json(fhirBundle(512 * 1024)), auth: 'hmac', expect: 202, target: 0.6 },
  { id: 'bearer-1k', label: 'bearer + schema, 1 KB', slug: 'bench-bearer', body: json(chartPayload(1024)), auth: 'bearer', expect: 202, target: null },
  { id: 'reject-401', label: '401 bad signature, 1 KB', slug: 'bench-hmac', body: json(chartPayload(1024)), auth: 'hmac-wrong', expect: 401, target: 1.0 },
  { id: 'reject-400', label: '400 schema mismatch, 1 KB', slug: 'bench-hmac', body: json(chartPayloadMismatch(1024)), auth: 'hmac', expect: 400, target: 1.0 },
  { id: 'reject-404', label: '404 unknown slug, 1 KB', slug: 'bench-nope', body: json(chartPayload(1024)), auth: 'hmac', expect: 404, target: 1.0 },
];
const SCENARIOS = CONFIG.scenarios === null ? ALL_SCENARIOS : ALL_SCENARIOS.filter((s) => CONFIG.scenarios.includes(s.id));
/** The scenarios whose Worker CPU per event is split into the ingress and the consumer's steps, and at which concurrency. */
const SPLIT_SCENARIOS = ['accept-64k', 'accept-512k'];
const SPLIT_CONNECTIONS = 10;

let deliverySeq = 0;
const RUN_TAG = randomBytes(4).toString('hex');

/** The headers of one request of `scenario`: each HMAC request gets its own webhook-id. */
function headersFor(scenario) {
  const headers = { host: ORG_HOST, 'content-type': 'application/json' };
  if (scenario.auth === 'bearer') return { ...headers, authorization: `Bearer ${SECRETS.bearer}` };
  const id = `msg_${RUN_TAG}_${(deliverySeq += 1)}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const secret = scenario.auth === 'hmac-wrong' ? SECRETS.wrongWhsec : SECRETS.whsec;
  return { ...headers, 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': standardSignature(secret, id, timestamp, scenario.body) };
}

// ---- small HTTP client (node's fetch drops Host) ------------------------------------------------
function http(port, { method = 'GET', path: p = '/', headers = {}, body = null, timeoutMs = 30_000 }) {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path: p, headers, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout ${method} ${p}`)));
    req.on('error', reject);
    // A server that answers before the whole body is written (a 413) and closes resets the write:
    // the answer counts, the socket's late error must not end the bench.
    req.on('socket', (socket) => socket.on('error', () => undefined));
    if (body) req.end(body);
    else req.end();
  });
}

// ---- servers -------------------------------------------------------------------------------------
function wranglerSync(args) {
  return execFileSync(WRANGLER, args, { cwd: ROOT, env: quietEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

function wranglerAsync(args) {
  return new Promise((resolve, reject) => {
    execFile(WRANGLER, args, { cwd: ROOT, env: quietEnv, encoding: 'utf8', maxBuffer: 64 << 20 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

/**
 * Where every target's local state lives (D1, Durable Objects, R2, all side by side): RAM (/dev/shm)
 * when the machine has it. Under `wrangler dev` the log's Durable Objects run in the ingress's own
 * workerd process, so every SQLite write and checkpoint of a 64 KB row on this VM's shared disk
 * stalls the ingress too; in production the objects run apart from it, on storage that is not this
 * disk. A second copy of the service on bench/.tmp (the disk) runs in the 64 KB rows beside it, so
 * what the disk costs locally stays in the table. BENCH_STATE_ROOT=bench/.tmp puts it all on disk.
 */
const STATE_ROOT = env.BENCH_STATE_ROOT ? path.resolve(ROOT, env.BENCH_STATE_ROOT) : existsSync('/dev/shm') ? '/dev/shm/hasp-bench' : TMP;
const STATE_ON_DISK = STATE_ROOT === TMP ? null : path.join(TMP, 'state-on-disk');
const STATE = path.join(STATE_ROOT, 'state');

const SERVICE_CONFIG = 'wrangler.toml';
const STANDIN_CONFIG = 'workers/runtime-standin/wrangler.toml';

/** The service and its stand-in runtime, as `npm run dev` runs them: one `wrangler dev`, two configs. */
/**
 * `wrangler dev` gives `--var` to its first config only; every other config reads the .dev.vars
 * beside it. The stand-ins' configs are generated into bench/.tmp, beside a .dev.vars with the
 * bench's MASTER_KEY, so they never read a developer's key (workers/runtime-standin/.dev.vars).
 */
function writeBenchDevVars() {
  writeFileSync(path.join(TMP, '.dev.vars'), `MASTER_KEY=${SECRETS.masterKey}\n`, { mode: 0o600 });
}
const serviceConfigs = () => [SERVICE_CONFIG, derivedConfig(STANDIN_CONFIG, 'wrangler.standin.toml', { note: 'the stand-in runtime, beside the bench\'s .dev.vars.' })];

function prepareServiceState() {
  rmSync(STATE, { recursive: true, force: true });
  mkdirSync(STATE, { recursive: true });
  wranglerSync(['d1', 'migrations', 'apply', 'hasp', '--local', '--config', SERVICE_CONFIG, '--persist-to', STATE]);
  wranglerSync(['d1', 'migrations', 'apply', 'hasp-runtime-standin', '--local', '--config', STANDIN_CONFIG, '--persist-to', STATE]);
  const sql = execFileSync(TSX, ['bench/seed.ts', SECRETS.apiToken, SECRETS.whsec, SECRETS.bearer], {
    cwd: ROOT,
    env: { ...env, MASTER_KEY: SECRETS.masterKey },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const file = path.join(TMP, 'bench-seed.sql');
  writeFileSync(file, sql, { mode: 0o600 });
  wranglerSync(['d1', 'execute', 'hasp', '--local', '--persist-to', STATE, '--file', file]);
}

/**
 * A config generated into bench/.tmp from one of the repository's (its local part, before
 * [env.production]), so it cannot drift from what `npm run dev` runs: `main` swapped for `main`
 * (a path from the repository root) when given, the Worker renamed, compatibility flags added, and,
 * with `consumers: false`, its queue consumers left out. Relative paths are rewritten for the new
 * location. Returns the generated file's path from the repository root.
 */
function derivedConfig(source, file, { note, main = null, name = null, flags = [], consumers = true }) {
  const sourceDir = path.dirname(path.join(ROOT, source));
  const fromTmp = (p) => path.relative(TMP, path.resolve(sourceDir, p));
  const kept = [];
  let skipping = false;
  for (const line of readFileSync(path.join(ROOT, source), 'utf8').split('\n[env.production]')[0].split('\n')) {
    if (/^\s*\[/.test(line)) skipping = !consumers && /^\s*\[\[queues\.consumers\]\]/.test(line);
    if (!skipping) kept.push(line);
  }
  let text = kept
    .join('\n')
    .replace(/^main = "(.*)"$/m, (_m, own) => `main = "${main === null ? fromTmp(own) : path.relative(TMP, path.join(ROOT, main))}"`)
    .replace(/^migrations_dir = "(.*)"$/gm, (_m, dir) => `migrations_dir = "${fromTmp(dir)}"`);
  if (name !== null) text = text.replace(/^name = ".*"$/m, `name = "${name}"`);
  if (flags.length > 0) {
    const own = /^compatibility_flags = (\[.*\])$/m.exec(text);
    const all = JSON.stringify([...new Set([...(own ? JSON.parse(own[1]) : []), ...flags])]);
    text = own ? text.replace(own[0], `compatibility_flags = ${all}`) : text.replace(/^(compatibility_date = .*)$/m, `$1\ncompatibility_flags = ${all}`);
  }
  const out = path.join(TMP, file);
  writeFileSync(out, `# Generated by bench/run.mjs from ${source}: ${note}\n${text}`);
  return path.relative(ROOT, out);
}

/**
 * The counted copy: the same two Workers built from bench/service/ (the seams production leaves
 * empty filled with a D1 counter and metric sinks); nodejs_compat for the counter's
 * AsyncLocalStorage. Renamed, so the two copies never share a name in wrangler's dev registry.
 */
function writeCountedConfigs() {
  return [
    derivedConfig(SERVICE_CONFIG, 'wrangler.counted.toml', {
      note: 'the same Worker, counted (bench/service/counted.ts).',
      main: 'bench/service/counted.ts',
      name: 'hasp-webhooks-counted',
      flags: ['nodejs_compat'],
    }),
    derivedConfig(STANDIN_CONFIG, 'wrangler.standin-counted.toml', {
      note: 'the stand-in runtime, logging what it records (bench/service/counted-standin.ts).',
      main: 'bench/service/counted-standin.ts',
      name: 'hasp-runtime-standin-counted',
    }),
  ];
}

/**
 * Diagnostic only: the service's own wrangler.toml (local part) without its queue consumers, so
 * the ingress can be measured without the fan-out consumer sharing its process and its 2 cores.
 * Nothing is sent to the runs queue without a consumer, so the stand-in is not started either.
 */
function writeNoConsumerConfig() {
  return derivedConfig(SERVICE_CONFIG, 'wrangler.no-consumer.toml', { note: 'the same Worker with no queue consumer.', consumers: false });
}

/**
 * Diagnostic only: the enqueue-only baseline without its queue consumer, so its Worker's CPU per
 * event splits into its fetch and its consumer's delivery as the service's does (64 KB, 512 KB).
 */
function writeBaselineNoConsumerConfig() {
  return derivedConfig('bench/baseline/wrangler.toml', 'wrangler.baseline-no-consumer.toml', { note: 'the enqueue-only baseline with no queue consumer.', name: 'hasp-bench-baseline-detached', consumers: false });
}

/** One `wrangler dev` with the flags every target shares; `extra` adds the target's own. */
function startServer(name, { configs, port, inspectorPort, persist, extra = [] }) {
  const server = { name, port, queueAcked: new Map(), lines: 0, metrics: new Map(), metricCount: 0, batches: 0, d1RoundTrips: 0, d1Statements: 0, runsSent: 0, runsRecorded: 0, recorded: new Map(), consumed: 0, failures: 0, tail: [], child: null };
  // Everything the server prints is kept in bench/.tmp/<name>.log for diagnosis.
  const logFile = createWriteStream(path.join(TMP, `${name}.log`));
  const args = ['dev', ...configs.flatMap((config) => ['--config', config]), '--port', String(port), '--ip', '127.0.0.1', '--inspector-port', String(inspectorPort), '--persist-to', persist, '--show-interactive-dev-session=false', ...extra];
  runningServers.push(server);
  server.child = startGroup(WRANGLER, args, {
    cwd: ROOT,
    env: quietEnv,
    onLine: (line) => {
      server.lines += 1;
      logFile.write(`${line}\n`);
      const at = line.indexOf('hasp-fanout-metric ');
      if (at !== -1) {
        try {
          // One line per consumer batch: how many events it dispatched (their ids when few) and what that cost.
          const metric = JSON.parse(line.slice(at + 'hasp-fanout-metric '.length));
          server.metricCount += metric.events;
          server.batches += 1;
          server.d1RoundTrips += metric.d1_round_trips ?? 0;
          server.d1Statements += metric.d1_statements ?? 0;
          server.runsSent += metric.runs;
          if (server.metrics.size < 200_000) for (const id of metric.event_ids ?? []) server.metrics.set(id, { ...metric, batch_events: metric.events });
        } catch {
          // A line cut by the logger: ignored.
        }
        return;
      }
      const runtimeAt = line.indexOf('hasp-runtime-metric ');
      if (runtimeAt !== -1) {
        try {
          // One line per runtime batch: runs recorded (by event when few); stamped when the line arrives.
          const metric = JSON.parse(line.slice(runtimeAt + 'hasp-runtime-metric '.length));
          const now = performance.now();
          server.runsRecorded += metric.runs;
          for (const [id, n] of Object.entries(metric.by_event ?? {})) {
            if (server.recorded.size < 200_000 || server.recorded.has(id)) server.recorded.set(id, { runs: (server.recorded.get(id)?.runs ?? 0) + n, last_at: now });
          }
        } catch {
          // A line cut by the logger: ignored.
        }
        return;
      }
      // wrangler's line per consumer batch, `QUEUE <queue> <acked>/<delivered> (<ms>ms)`: how an
      // uninstrumented service is seen to drain.
      const batch = /\[wrangler:info\] QUEUE (\S+) (\d+)\/\d+ /.exec(line);
      if (batch) {
        server.queueAcked.set(batch[1], (server.queueAcked.get(batch[1]) ?? 0) + Number(batch[2]));
        return;
      }
      const consumed = /bench-baseline-consumed (\d+)/.exec(line);
      if (consumed) {
        server.consumed += Number(consumed[1]);
        return;
      }
      if (line.includes('fan-out failed')) server.failures += 1;
      if (!/\[wrangler:info\] (POST|GET) /.test(line)) {
        server.tail.push(line);
        if (server.tail.length > 40) server.tail.shift();
      }
    },
  });
  return server;
}

async function waitReady(server, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`${server.name} exited early:\n${server.tail.join('\n')}`);
    try {
      await http(server.port, { path: '/', headers: { host: ORG_HOST }, timeoutMs: 2000 });
      return;
    } catch {
      await sleep(250);
    }
  }
  throw new Error(`${server.name} did not answer on ${server.port} within ${timeoutMs} ms:\n${server.tail.join('\n')}`);
}

// ---- load runs ---------------------------------------------------------------------------------
/** One autocannon run; `onLatency` sees each response's time (ms), so slices can be pooled. */
function cannon(opts, onLatency) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
    instance.on('response', (_client, _status, _bytes, responseTime) => onLatency(responseTime));
  });
}

/** Totals of x-hasp-d1-statements over the counted service's responses, per scenario. */
const d1 = new Map();

/** Both service targets run this repository's Worker; the other targets are the bench's own. */
const runsService = (server) => server.name === 'service' || server.name === 'service-counted' || server.name === 'service-on-disk';

async function loadRun(server, scenario, connections, seconds, { countD1 = false, onSample = null, rate = null } = {}) {
  const stats = { responses: 0, statements: 0, withStatements: 0, missingHeader: 0, max: 0, background: 0, withBackground: 0 };
  const expected = runsService(server) ? scenario.expect : 202;
  // Who answered an unexpected status: the Worker's refusals are problem+json (its 503 included);
  // anything else came from wrangler's dev proxy in front of it.
  const unexpected = { problem: 0, other: 0 };
  const requestSpec = {
    method: 'POST',
    path: `/webhooks/${scenario.slug}`,
    headers: headersFor(scenario),
    body: scenario.body,
    setupRequest: (req) => ({ ...req, headers: headersFor(scenario) }),
    onResponse: (status, _body, _context, headers) => {
      if (runsService(server) && status !== expected) {
        if (String(headers['content-type'] ?? '').startsWith('application/problem+json')) unexpected.problem += 1;
        else unexpected.other += 1;
      }
      if (countD1) {
        stats.responses += 1;
        const value = headers['x-hasp-d1-statements'];
        if (value === undefined) {
          stats.missingHeader += 1;
          return;
        }
        const n = Number(value);
        const later = Number(headers['x-hasp-d1-background-statements'] ?? 0);
        stats.background += later;
        if (later > 0) stats.withBackground += 1;
        stats.statements += n;
        if (n > 0) stats.withStatements += 1;
        if (n > stats.max) stats.max = n;
      }
    },
  };
  const sampler = onSample ? setInterval(onSample, 200) : null;
  const latencies = [];
  const doneAt = [];
  const startedAt = performance.now();
  const result = await cannon(
    {
      url: `http://127.0.0.1:${server.port}`,
      connections,
      duration: seconds,
      timeout: 30,
      requests: [requestSpec],
      ...(rate === null ? {} : { overallRate: rate }),
    },
    (ms) => {
      latencies.push(ms);
      doneAt.push(performance.now());
    },
  );
  const endedAt = performance.now();
  if (sampler) clearInterval(sampler);
  const byStatus = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, v]) => [code, v.count]));
  const responses = Object.values(byStatus).reduce((a, b) => a + b, 0);
  const unexpectedCount = responses - (byStatus[String(expected)] ?? 0);
  if (countD1) {
    const total = d1.get(scenario.id) ?? { responses: 0, statements: 0, withStatements: 0, missingHeader: 0, max: 0, background: 0, withBackground: 0 };
    for (const key of Object.keys(total)) total[key] = key === 'max' ? Math.max(total.max, stats.max) : total[key] + stats[key];
    d1.set(scenario.id, total);
  }
  const steady = steadyState(doneAt, startedAt, endedAt, connections);
  return {
    rps: steady.responses / steady.seconds,
    steadyResponses: steady.responses,
    steadySeconds: steady.seconds,
    rampMs: Math.round(steady.rampMs),
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    responses,
    accepted: byStatus['202'] ?? 0,
    errors: unexpectedCount + result.errors + result.timeouts,
    unexpected_from: unexpected,
    byStatus,
    seconds: result.duration,
    latencies,
  };
}

/**
 * The part of a closed-loop run that measures throughput: from the moment every connection has had
 * its first response back (before it, nothing can complete; counting from the start would charge
 * a slow target its latency once more) to the end. Responses still in flight at the end are not
 * counted either way. Too short a run to reach that point counts whole.
 */
function steadyState(doneAt, startedAt, endedAt, connections) {
  if (doneAt.length <= 2 * connections) return { responses: doneAt.length, seconds: (endedAt - startedAt) / 1000, rampMs: 0 };
  const rampEnd = doneAt[connections - 1];
  return { responses: doneAt.length - connections, seconds: (endedAt - rampEnd) / 1000, rampMs: rampEnd - startedAt };
}

/**
 * Waits until each accepted event was consumed (for the service: and each run it sent was recorded
 * by the runtime), so one run's backlog never lands on the next: until the counts match, or they
 * have not moved for IDLE_MS (a message retried later, or a line the logger lost), at most
 * DRAIN_MAX_MS. Returns the time waited.
 */
const IDLE_MS = 3000;

/** Events acked by a server's consumer over every events shard (`hasp-events-{i}`), from wrangler's line per batch. */
function eventsShardsAcked(server) {
  let acked = 0;
  for (const [queue, count] of server.queueAcked) if (/^hasp-events-\d+$/.test(queue)) acked += count;
  return acked;
}

const DRAIN_MAX_MS = 90_000;
async function drain(server, acceptedTotal) {
  const started = Date.now();
  const counted = server.name === 'service-counted';
  // The counted service says what each batch did; the measured one, as `npm run dev` runs it, and
  // the baseline with its consumer are seen through wrangler's line per batch (the accept scenarios
  // send no runs); the plain baseline counts what its consumer acked.
  // Both consume the events shards, hasp-events-0 … (shared/queue/shards.ts): their acks are summed.
  const seenPerBatch = server.name === 'service' || server.name === 'service-on-disk' || server.name === 'baseline-consumer';
  const consumed = () => (counted ? server.metricCount + server.failures : seenPerBatch ? eventsShardsAcked(server) : server.consumed);
  const runsPending = () => (counted ? server.runsSent - server.runsRecorded : 0);
  let last = consumed() - runsPending();
  let lastChange = Date.now();
  while ((consumed() < acceptedTotal || runsPending() > 0) && Date.now() - started < DRAIN_MAX_MS) {
    await sleep(100);
    if (consumed() - runsPending() !== last) {
      last = consumed() - runsPending();
      lastChange = Date.now();
    } else if (Date.now() - lastChange > IDLE_MS) {
      break;
    }
  }
  server.lag = acceptedTotal - consumed();
  if (server.lag > 0) log(`note: ${server.name} consumer idle with ${server.lag} fewer consumed than accepted`);
  // Let the last batch's writes settle before the next measured run.
  await sleep(runsService(server) ? 500 : 200);
  return Date.now() - started;
}

const accepted = { service: 0, 'service-counted': 0, 'service-on-disk': 0, baseline: 0, bare: 0, 'ingress-only': 0, 'baseline-consumer': 0, 'baseline-detached': 0 };
const HAS_CONSUMER = new Set(['service', 'service-counted', 'service-on-disk', 'baseline', 'baseline-consumer']);

/** CPU ms per response of each process under a server, between two cpuByName readings. */
function cpuPerResponse(before, after, responses) {
  const out = {};
  for (const [name, seconds] of Object.entries(after)) out[name] = round(((seconds - (before[name] ?? 0)) * 1000) / Math.max(1, responses), 3);
  return out;
}

/** Every server started, so a run can wait for all of them to go quiet. */
const runningServers = [];

const cpuSecondsOfAll = () => runningServers.reduce((sum, server) => sum + Object.values(cpuByName(server.child.pid)).reduce((a, b) => a + b, 0), 0);

/**
 * What the idle servers use together, in cores: each `wrangler dev` keeps a file watcher and its
 * proxy awake, so seven of them never fall under a fixed threshold and every wait ran to
 * QUIET_MAX_MS. Measured once, after start-up has settled, over IDLE_SAMPLE_MS.
 */
const IDLE_SAMPLE_MS = 3_000;
let idleCores = 0;
async function measureIdleFloor() {
  await sleep(QUICK ? 500 : 5_000);
  const before = cpuSecondsOfAll();
  await sleep(IDLE_SAMPLE_MS);
  idleCores = (cpuSecondsOfAll() - before) / (IDLE_SAMPLE_MS / 1000);
  return idleCores;
}

/**
 * Waits until the servers together use less than a tenth of a core above their idle floor over
 * half a second (or QUIET_MAX_MS has passed): what the previous run left behind (a queued batch,
 * GC, D1's write-ahead log, wrangler's logging) must not be billed to the next target. Returns the
 * time waited.
 */
const QUIET_MAX_MS = QUICK ? 2000 : 20_000;
async function quiesce() {
  const begun = Date.now();
  let last = cpuSecondsOfAll();
  while (Date.now() - begun < QUIET_MAX_MS) {
    await sleep(500);
    const now = cpuSecondsOfAll();
    if (now - last < 0.5 * (0.1 + idleCores)) break;
    last = now;
  }
  return Date.now() - begun;
}

async function measured(server, scenario, connections, seconds, opts = {}) {
  const quietMs = await quiesce();
  const cpuBefore = cpuByName(server.child.pid);
  const consumerBefore = { batches: server.batches, events: server.metricCount, d1RoundTrips: server.d1RoundTrips };
  const run = await loadRun(server, scenario, connections, seconds, opts);
  accepted[server.name] += run.accepted;
  run.drainMs = HAS_CONSUMER.has(server.name) ? await drain(server, accepted[server.name]) : 0;
  run.quietMs = quietMs;
  // CPU of the run and of draining its backlog, per response, by process name (workerd, node).
  run.cpuMsPerResponse = cpuPerResponse(cpuBefore, cpuByName(server.child.pid), run.responses);
  // What the fan-out consumer did for this run's events (the counted copy only: its metric lines say).
  run.consumer = { batches: server.batches - consumerBefore.batches, events: server.metricCount - consumerBefore.events, d1RoundTrips: server.d1RoundTrips - consumerBefore.d1RoundTrips };
  return run;
}

const round = (x, digits = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null);

/** One target's runs pooled: req/s over their whole time, percentiles over all their responses. */
function summarise(runs) {
  const responses = runs.reduce((a, r) => a + r.responses, 0);
  const latency = latencySummary(runs.flatMap((r) => r.latencies));
  return {
    rps: round(runs.reduce((a, r) => a + r.steadyResponses, 0) / runs.reduce((a, r) => a + r.steadySeconds, 0), 1),
    p50: round(latency.p50, 2),
    p99: round(latency.p99, 2),
    max: round(latency.max, 2),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    unexpected_from: runs.reduce((a, r) => ({ problem: a.problem + (r.unexpected_from?.problem ?? 0), other: a.other + (r.unexpected_from?.other ?? 0) }), { problem: 0, other: 0 }),
    responses,
    consumer: (() => {
      const sum = (key) => runs.reduce((a, r) => a + (r.consumer?.[key] ?? 0), 0);
      const batches = sum('batches');
      return batches === 0 ? null : { batches, events_per_batch: round(sum('events') / batches, 1), d1_round_trips_per_batch: round(sum('d1RoundTrips') / batches, 2) };
    })(),
    cpu_ms_per_response: Object.fromEntries(
      [...new Set(runs.flatMap((r) => Object.keys(r.cpuMsPerResponse ?? {})))].map((name) => [
        name,
        round(runs.reduce((a, r) => a + (r.cpuMsPerResponse?.[name] ?? 0) * r.responses, 0) / Math.max(1, responses), 3),
      ]),
    ),
  };
}

/** A's req/s over B's, pooled, and the spread of the same ratio slice by slice. */
function compare(a, b) {
  const slices = ratioSummary(a.map((run, i) => run.rps / b[i].rps));
  return {
    ratio: round(summarise(a).rps / summarise(b).rps, 3),
    slices: { n: slices.n, median: round(slices.median, 3), ci95: slices.ci95.map((x) => round(x, 3)), min: round(slices.min, 3), max: round(slices.max, 3) },
  };
}

/**
 * Slices of CONFIG.sliceSeconds, unless the slowest target's warm-up p50 says a slice that short
 * would be mostly ramp (512 KB at 50 connections takes seconds per request): then fewer, longer
 * slices, each at least 8 × that p50, for about the same time per target.
 */
function slicing(warmRuns, connections) {
  // A warm-up in which not every connection got an answer took longer than itself per request.
  const slowestP50 = Math.max(...warmRuns.map((r) => (r.responses < connections ? CONFIG.warmupSeconds * 1000 : r.p50)));
  const sliceSeconds = Math.max(CONFIG.sliceSeconds, Math.ceil((8 * slowestP50) / 1000));
  return { sliceSeconds, slices: Math.max(2, Math.ceil((CONFIG.slices * CONFIG.sliceSeconds) / sliceSeconds)) };
}

/** How finely a run resolves a p99: a target's own, over its even and over its odd slices. */
const p99ByHalf = (runs) => [0, 1].map((parity) => round(latencySummary(runs.filter((_r, i) => i % 2 === parity).flatMap((r) => r.latencies)).p99, 2));

/** What results.json keeps of a run: everything but the raw response times. */
const stored = (runs) => runs.map(({ latencies: _latencies, ...run }) => run);

// ---- memory -------------------------------------------------------------------------------------
function serviceMemory(server) {
  // The user Worker's workerd first, then wrangler's proxy.
  return workerdUnder(server.child.pid).sort((a, b) => (a.role === b.role ? 0 : a.role === 'worker' ? -1 : 1));
}

/** Resets a process's VmHWM to its current RSS (Linux: 5 > /proc/pid/clear_refs); false when not allowed. */
function resetPeakRss(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** The heap in MiB, rounded; null stays null. */
const mib = (bytes) => (bytes === null || bytes === undefined ? null : round(bytes / 1048576, 2));

/**
 * The Worker isolate's memory with large bodies: for each size in CONFIG.largeBodiesMiB, LARGE_CONCURRENCY
 * signed FHIR-like bundles of that size sent at once to bench-large (10 MiB limit, bench/seed.ts), in
 * CONFIG.largeRounds rounds. Each round: the heap after a forced GC before; Runtime.getHeapUsage read
 * back to back (a reading at most every LARGE_SAMPLE_MS) while the requests are in flight and, apart,
 * while the consumer drains their events; the heap after GC once drained; and the Worker workerd's
 * VmRSS before, sampled, and its VmHWM reset before the round (clear_refs) and read after it.
 */
const LARGE_CONCURRENCY = 4;
const LARGE_SAMPLE_MS = 25;
async function largeBodyMemory(server, port) {
  const poke = () => http(server.port, { path: '/', headers: { host: ORG_HOST }, timeoutMs: 2000 });
  const watch = await heapWatch(port, poke);
  const out = { webhook: 'bench-large', body_limit_bytes: 10 * 1048576, concurrency: LARGE_CONCURRENCY, rounds: CONFIG.largeRounds, sample_ms: LARGE_SAMPLE_MS, isolate_limit_mib: 128, sizes: [] };
  try {
    for (const size of CONFIG.largeBodiesMiB) {
      // Just under the size, so the 10 MiB body fits the 10 MiB limit (fhirBundle overshoots by up to one entry).
      const body = json(fhirBundle(size * 1048576 - 1024));
      const scenario = { auth: 'hmac', body };
      const entry = { mib: size, body_bytes: body.length, statuses: {}, rounds: [] };
      for (let r = 0; r < CONFIG.largeRounds; r += 1) {
        await quiesce();
        const before = await watch.afterGc();
        const worker = serviceMemory(server).find((p) => p.role === 'worker');
        const hwmReset = worker ? resetPeakRss(worker.pid) : false;
        const rssBefore = worker ? memoryOf(worker.pid) : null;
        /** Samples until `phase.done`: the largest used, total, and used + ArrayBuffers' backing stores, and RSS. */
        const sampleWhile = (phase) =>
          (async () => {
            while (!phase.done) {
              const started = performance.now();
              try {
                const u = await watch.usage(5000);
                if (u) {
                  phase.samples += 1;
                  phase.used = Math.max(phase.used, u.used ?? 0);
                  phase.total = Math.max(phase.total, u.total ?? 0);
                  if (u.backing !== null) phase.withBuffers = Math.max(phase.withBuffers ?? 0, (u.used ?? 0) + u.backing);
                }
              } catch {
                // A reading the busy isolate did not answer in time: the next one counts.
              }
              const rss = worker ? memoryOf(worker.pid) : null;
              if (rss) phase.rssKiB = Math.max(phase.rssKiB, rss.rssKiB);
              await sleep(Math.max(0, LARGE_SAMPLE_MS - (performance.now() - started)));
            }
          })();
        const newPhase = () => ({ done: false, samples: 0, used: 0, total: 0, withBuffers: null, rssKiB: rssBefore?.rssKiB ?? 0 });
        const inFlight = newPhase();
        const sampling = sampleWhile(inFlight);
        const startedAt = performance.now();
        const statuses = await Promise.all(
          Array.from({ length: LARGE_CONCURRENCY }, () =>
            http(server.port, { method: 'POST', path: '/webhooks/bench-large', headers: headersFor(scenario), body, timeoutMs: 180_000 }).then(
              (res) => ({ status: res.status, body: res.body.slice(0, 300) }),
              (err) => ({ status: 'error', body: err instanceof Error ? err.message : String(err) }),
            ),
          ),
        );
        const requestMs = performance.now() - startedAt;
        inFlight.done = true;
        await sampling;
        const okCount = statuses.filter((x) => x.status === 202).length;
        accepted[server.name] += okCount;
        // The consumer reads each claim-checked body back from R2 and opens it: its peak apart.
        const draining = newPhase();
        const drainSampling = sampleWhile(draining);
        const drainMs = okCount > 0 ? await drain(server, accepted[server.name]) : 0;
        draining.done = true;
        await drainSampling;
        const after = await watch.afterGc();
        const end = worker ? memoryOf(worker.pid) : null;
        for (const x of statuses) entry.statuses[x.status] = (entry.statuses[x.status] ?? 0) + 1;
        const refused = statuses.find((x) => x.status !== 202);
        if (refused && !entry.refusal) entry.refusal = refused;
        const phase = (p) => ({ samples: p.samples, peak_used_mib: mib(p.used), peak_total_mib: mib(p.total), peak_used_with_buffers_mib: mib(p.withBuffers), peak_rss_sampled_mib: round(p.rssKiB / 1024, 1) });
        entry.rounds.push({
          round: r + 1,
          statuses: statuses.map((x) => x.status),
          request_ms: Math.round(requestMs),
          drain_ms: drainMs,
          heap_before_gc_mib: mib(before?.used),
          heap_after_gc_mib: mib(after?.used),
          buffers_after_gc_mib: mib(after?.backing),
          in_flight: phase(inFlight),
          consumer: phase(draining),
          worker_pid: worker?.pid ?? null,
          rss_before_mib: rssBefore ? round(rssBefore.rssKiB / 1024, 1) : null,
          rss_after_mib: end ? round(end.rssKiB / 1024, 1) : null,
          // VmHWM since the reset just before the round: the round's peak RSS; else since the process started.
          vm_hwm_mib: end ? round(end.hwmKiB / 1024, 1) : null,
          vm_hwm_reset: hwmReset,
          vm_hwm_delta_mib: end && rssBefore ? round((end.hwmKiB - rssBefore.rssKiB) / 1024, 1) : null,
        });
        const last = entry.rounds.at(-1);
        log(
          `large body ${size} MiB ×${LARGE_CONCURRENCY} round ${r + 1}: ${last.statuses.join(' ')} in ${last.request_ms} ms; heap peak ${last.in_flight.peak_used_mib} MiB` +
            ` (${last.in_flight.samples} readings; with buffers ${last.in_flight.peak_used_with_buffers_mib ?? '?'}), consumer peak ${last.consumer.peak_used_mib} MiB, after GC ${last.heap_after_gc_mib} MiB; RSS ${last.rss_before_mib} → VmHWM ${last.vm_hwm_mib} MiB`,
        );
      }
      out.sizes.push({ ...entry, ...largeBodySummary(entry, out.isolate_limit_mib) });
    }
  } finally {
    watch.close();
  }
  return out;
}

// ---- fan-out ------------------------------------------------------------------------------------
async function fanOutOnce(server, size) {
  const scenario = { slug: `bench-fanout-${size}`, body: json(chartPayload(1024)), auth: 'hmac' };
  const sent = await http(server.port, { method: 'POST', path: `/webhooks/${scenario.slug}`, headers: headersFor(scenario), body: scenario.body });
  const acceptedAt = performance.now();
  if (sent.status !== 202) throw new Error(`fan-out ${size}: ${sent.status} ${sent.body}`);
  accepted[server.name] += 1;
  const eventId = JSON.parse(sent.body).event_id;
  const auth = { host: API_HOST, authorization: `Bearer ${SECRETS.apiToken}` };
  let dispatchedMs = null;
  let view = null;
  while (performance.now() - acceptedAt < 120_000) {
    let res;
    try {
      res = await http(server.port, { path: `/v1/events/${eventId}`, headers: auth, timeoutMs: 10_000 });
    } catch {
      // A busy local runtime may not answer a poll in time; the next poll counts.
      continue;
    }
    if (res.status === 200) {
      view = JSON.parse(res.body);
      if (view.status === 'dispatched' && view.runs.length === size && view.runs.every((r) => r.status === 'dispatched')) {
        dispatchedMs = performance.now() - acceptedAt;
        break;
      }
    }
    await sleep(10);
  }
  // The runtime's `hasp-runtime-metric` lines say when it recorded each batch of this event's runs.
  while ((server.recorded.get(eventId)?.runs ?? 0) < size && performance.now() - acceptedAt < 180_000) await sleep(10);
  const recorded = server.recorded.get(eventId) ?? null;
  const metricDeadline = Date.now() + 10_000;
  while (!server.metrics.has(eventId) && Date.now() < metricDeadline) await sleep(50);
  const metric = server.metrics.get(eventId) ?? null;
  return {
    size,
    event_id: eventId,
    runs_listed: view?.runs?.length ?? 0,
    accept_to_dispatched_ms: round(dispatchedMs, 1),
    consumer_ms: metric?.ms ?? null,
    queue_wait_ms: dispatchedMs !== null && metric ? round(dispatchedMs - metric.ms, 1) : null,
    d1_statements: metric?.d1_statements ?? null,
    d1_round_trips: metric?.d1_round_trips ?? null,
    send_batch_calls: metric?.send_batch_calls ?? null,
    events_in_consumer_batch: metric?.batch_events ?? null,
    runs_recorded_by_runtime: recorded?.runs ?? 0,
    accept_to_runtime_recorded_ms: recorded && recorded.runs >= size ? round(recorded.last_at - acceptedAt, 1) : null,
  };
}

// ---- micro-benchmarks (run after the servers are stopped) ----------------------------------------
function runNode(script, extraEnv = {}) {
  return new Promise((resolve) => {
    execFile(process.execPath, [script], { cwd: ROOT, env: { ...env, NO_COLOR: '1', ...extraEnv }, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 900_000 }, (err, stdout, stderr) =>
      resolve({ ok: !err, stdout, stderr: err ? `${stderr}\n${err.message}` : stderr }),
    );
  });
}

const stripAnsi = (text) => text.replace(/\u001b\[[0-9;]*m/g, '');

// ---- main ----------------------------------------------------------------------------------------
async function main() {
  const startedAt = new Date();
  mkdirSync(TMP, { recursive: true });
  checkSignerAgainstLibrary();
  log(`config: ${JSON.stringify({ ...CONFIG, scenarios: SCENARIOS.map((s) => s.id) })}`);

  log('service state: migrations + bench seed');
  prepareServiceState();
  writeBenchDevVars();
  rmSync(path.join(STATE_ROOT, 'state-baseline'), { recursive: true, force: true });
  rmSync(path.join(STATE_ROOT, 'state-bare'), { recursive: true, force: true });
  rmSync(path.join(STATE_ROOT, 'state-baseline-detached'), { recursive: true, force: true });
  // Each copy of the service gets its own copy of the seeded state.
  const copyState = (name) => {
    const dir = path.isAbsolute(name) ? name : path.join(STATE_ROOT, name);
    rmSync(dir, { recursive: true, force: true });
    cpSync(STATE, dir, { recursive: true });
    return dir;
  };

  const { ports, inspectorPort } = CONFIG;
  // --var wins over .dev.vars, so a developer's own MASTER_KEY is neither used nor changed. The
  // log's segments take production's window and budget (1 h, 2 GiB; README "Configuration"):
  // `npm run dev` rolls a segment over at 2 MiB so a developer sees it happen, which at 64 KB events
  // opens a segment (a new object and its schema) every 31 events, ten a second under this load,
  // where production opens one per 32,000. The index keeps dev's 8 partitions, as every run before.
  const serviceVars = [
    '--var', `MASTER_KEY:${SECRETS.masterKey}`,
    '--var', 'LOG_SEGMENT_WINDOW_SECONDS:3600',
    '--var', 'LOG_SEGMENT_BUDGET_BYTES:2147483648',
  ];
  const service = startServer('service', {
    configs: serviceConfigs(),
    port: ports.service,
    inspectorPort,
    persist: STATE,
    extra: serviceVars,
  });
  // The same Workers with the D1 counter on: the hot-path count, the consumer's round trips and the
  // fan-out. Its runs are not the measured ones: the counter and the consumer's metric lines cost
  // throughput that `npm run dev` and production never pay.
  const serviceCounted = startServer('service-counted', {
    configs: writeCountedConfigs(),
    port: ports.serviceCounted,
    inspectorPort: inspectorPort + 5,
    persist: copyState('state-counted'),
    extra: serviceVars,
  });
  const baseline = startServer('baseline', { configs: ['bench/baseline/wrangler.toml'], port: ports.baseline, inspectorPort: inspectorPort + 1, persist: path.join(STATE_ROOT, 'state-baseline') });
  const bare = startServer('bare', { configs: ['bench/bare/wrangler.toml'], port: ports.bare, inspectorPort: inspectorPort + 2, persist: path.join(STATE_ROOT, 'state-bare') });
  // Diagnostic: same Worker, same flags, its own copy of the seeded state, and no queue consumer.
  const noConsumerState = copyState('state-no-consumer');
  const ingressOnly = startServer('ingress-only', {
    configs: [writeNoConsumerConfig()],
    port: ports.ingressOnly,
    inspectorPort: inspectorPort + 3,
    persist: noConsumerState,
    extra: serviceVars,
  });
  // Diagnostic: the baseline's fetch with the service's consumer, on its own copy of the state.
  const baselineConsumer = startServer('baseline-consumer', {
    configs: ['bench/baseline/wrangler.with-consumer.toml'],
    port: ports.baselineConsumer,
    inspectorPort: inspectorPort + 4,
    persist: copyState('state-baseline-consumer'),
    extra: serviceVars,
  });
  // Diagnostic, for the split of 64 KB and 512 KB: the baseline with its consumer detached.
  const baselineDetached = SPLIT_SCENARIOS.some((id) => SCENARIOS.some((x) => x.id === id)) && !QUICK
    ? startServer('baseline-detached', { configs: [writeBaselineNoConsumerConfig()], port: ports.baselineDetached, inspectorPort: inspectorPort + 6, persist: path.join(STATE_ROOT, 'state-baseline-detached') })
    : null;
  // Diagnostic, for the 64 KB rows: the service as measured, with its state on the disk (see STATE_ROOT).
  const serviceOnDisk = STATE_ON_DISK && SCENARIOS.some((x) => x.id === 'accept-64k') && !QUICK
    ? startServer('service-on-disk', { configs: serviceConfigs(), port: ports.serviceOnDisk, inspectorPort: inspectorPort + 7, persist: copyState(STATE_ON_DISK), extra: serviceVars })
    : null;
  const servers = { service, serviceCounted, baseline, bare, ingressOnly, baselineConsumer, ...(baselineDetached ? { baselineDetached } : {}), ...(serviceOnDisk ? { serviceOnDisk } : {}) };
  await Promise.all(Object.values(servers).map((s) => waitReady(s)));
  log(`servers ready; idle, together they use ${(await measureIdleFloor()).toFixed(3)} cores`);

  // Sanity: one request per scenario answers as expected before anything is measured.
  for (const server of [service, serviceCounted]) {
    for (const scenario of SCENARIOS) {
      const res = await http(server.port, { method: 'POST', path: `/webhooks/${scenario.slug}`, headers: headersFor(scenario), body: scenario.body });
      if (res.status !== scenario.expect) throw new Error(`${server.name} ${scenario.id}: expected ${scenario.expect}, got ${res.status} ${res.body.slice(0, 300)}`);
      if (res.status === 202) accepted[server.name] += 1;
    }
  }

  // Where the time goes: CPU profiles of the service's isolate (inspector) and CPU per response of
  // each process, on runs separate from the measured ones (sampling perturbs what it measures).
  const profiles = [];
  // The inspector (profiles, heap) speaks WebSocket; Node 20 has no global one.
  if (typeof globalThis.WebSocket === 'undefined') globalThis.WebSocket = (await import('ws')).WebSocket;
  if (!QUICK && env.BENCH_SKIP_PROFILE !== '1') {
    const chosen = list(env.BENCH_PROFILE_SCENARIOS, null);
    const byId = (id) => ALL_SCENARIOS.find((x) => x.id === id);
    // The default plan, for the scenarios this run measures: 1 KB and 401 as before, and for the
    // split of 64 KB and 512 KB the service, its consumer-detached copy and the baseline (whose
    // fetch and consumer are profiled too; the detached baseline's functions are only its fetch).
    const plan = chosen
      ? ALL_SCENARIOS.filter((s) => chosen.includes(s.id)).map((s) => [service, s, inspectorPort])
      : [
          [service, byId('accept-1k'), inspectorPort],
          [ingressOnly, byId('accept-1k'), inspectorPort + 3],
          [baseline, byId('accept-1k'), inspectorPort + 1],
          [service, byId('reject-401'), inspectorPort],
          ...SPLIT_SCENARIOS.flatMap((id) => [
            [service, byId(id), inspectorPort],
            [ingressOnly, byId(id), inspectorPort + 3],
            [baseline, byId(id), inspectorPort + 1],
            ...(baselineDetached ? [[baselineDetached, byId(id), inspectorPort + 6]] : []),
          ]),
        ].filter(([, s]) => SCENARIOS.includes(s));
    for (const [server, scenario, port] of plan) {
      await measured(server, scenario, 10, CONFIG.warmupSeconds);
      let run;
      let summary = null;
      try {
        if (port === null) {
          run = await measured(server, scenario, 10, CONFIG.seconds);
        } else {
          const profiled = await cpuProfile(port, () => measured(server, scenario, 10, CONFIG.seconds));
          run = profiled.result;
          if (profiled.profile) {
            writeFileSync(path.join(TMP, `${server.name}-${scenario.id}.cpuprofile`), JSON.stringify(profiled.profile));
            summary = summariseProfile(profiled.profile, 20, CONSUMER_STEPS);
          }
        }
      } catch (err) {
        log(`profile of ${server.name} ${scenario.id} failed: ${err instanceof Error ? err.message : err}`);
        continue;
      }
      profiles.push({ target: server.name, scenario: scenario.id, connections: 10, rps: round(run.rps, 1), responses: run.responses, cpu_ms_per_response: run.cpuMsPerResponse, isolate_profile: summary });
      log(`profile ${server.name} ${scenario.id}: ${run.rps.toFixed(0)} req/s, CPU ms/response ${JSON.stringify(run.cpuMsPerResponse)}`);
    }
  }

  const load = [];
  const memory = { peak_during_accept_c50: null, after_runs: [], rounds: [] };
  const recordRssAfter = (label) => {
    const procs = serviceMemory(service);
    memory.after_runs.push({ label, workerd: procs.map((p) => ({ pid: p.pid, role: p.role, rss_mib: round(p.rssKiB / 1024, 1), hwm_mib: round(p.hwmKiB / 1024, 1) })) });
  };

  // Memory: the 50-connection accept scenario several times, RSS and isolate heap after each (after
  // drain). Before the load scenarios: wrangler's inspector proxy keeps every runtime message until a
  // DevTools client connects and then replays them all, which after the load phase stalled the probe.
  const memoryScenario = ALL_SCENARIOS[0];
  const memorySeconds = QUICK ? 1 : Math.max(5, Math.round(CONFIG.seconds / 2));
  let heap = null;
  for (let r = 0; r < CONFIG.memoryRounds; r += 1) {
    const run = await measured(service, memoryScenario, QUICK ? 10 : 50, memorySeconds);
    const procs = serviceMemory(service);
    let heapBytes = null;
    if (READ_HEAP) try {
      heapBytes = await (heap ??= await heapProbe(inspectorPort, () => http(service.port, { path: '/', headers: { host: ORG_HOST }, timeoutMs: 2000 }))).usedAfterGc();
    } catch (err) {
      log(`heap of the service isolate not read: ${err instanceof Error ? err.message : err}`);
    }
    memory.rounds.push({
      round: r + 1,
      requests: run.responses,
      isolate_heap_after_gc_mib: heapBytes === null ? null : round(heapBytes / 1048576, 2),
      workerd: procs.map((p) => ({ pid: p.pid, role: p.role, rss_mib: round(p.rssKiB / 1024, 1), hwm_mib: round(p.hwmKiB / 1024, 1) })),
    });
    log(`memory round ${r + 1}: ${procs.map((p) => `${p.pid} ${round(p.rssKiB / 1024, 1)} MiB`).join(', ')}; isolate heap after GC ${heapBytes === null ? '?' : round(heapBytes / 1048576, 2)} MiB`);
  }
  heap?.close();
  memory.round_seconds = memorySeconds;

  // The isolate's memory with large bodies, before the load phase for the same reason as above.
  let largeBodies = null;
  if (CONFIG.largeBodiesMiB.length > 0) {
    try {
      largeBodies = await largeBodyMemory(service, inspectorPort);
    } catch (err) {
      largeBodies = { error: err instanceof Error ? err.message : String(err) };
      log(`large-body memory failed: ${largeBodies.error}`);
    }
  }

  // D1 on the hot path, and what the consumer did per batch: every scenario and concurrency against
  // the counted copy, warm, x-hasp-d1-statements read on every response.
  const countedSeconds = QUICK ? 1 : Math.max(3, Math.round(CONFIG.seconds / 2));
  const countedRuns = new Map();
  for (const connections of CONFIG.connections) {
    for (const scenario of SCENARIOS) {
      await measured(serviceCounted, scenario, connections, CONFIG.warmupSeconds);
      const run = await measured(serviceCounted, scenario, connections, countedSeconds, { countD1: true });
      countedRuns.set(`${scenario.id}@${connections}`, run);
      log(`  ${scenario.id} c=${connections} counted: ${run.rps.toFixed(0)} req/s, consumer ${JSON.stringify(run.consumer)}`);
    }
  }

  for (const connections of CONFIG.connections) {
    for (const scenario of SCENARIOS) {
      // At 10 connections the 64 KB and 512 KB rows also run both Workers with their consumers
      // detached, for the split of Where the time goes (bench/lib/step-split.mjs).
      const split = SPLIT_SCENARIOS.includes(scenario.id) && connections === SPLIT_CONNECTIONS;
      const targets =
        scenario.id === 'accept-1k'
          ? [service, baseline, bare, ingressOnly, baselineConsumer]
          : scenario.id === 'accept-64k' || split
            ? [service, baseline, ingressOnly, ...(split && baselineDetached ? [baselineDetached] : []), ...(scenario.id === 'accept-64k' && serviceOnDisk ? [serviceOnDisk] : [])]
            : [service, baseline];
      log(`${scenario.id} c=${connections}: warm-up`);
      const warm = [];
      for (const server of targets) warm.push(await measured(server, scenario, connections, CONFIG.warmupSeconds));
      const { sliceSeconds, slices } = slicing(warm, connections);
      const runs = { service: [], baseline: [], bare: [], 'ingress-only': [], 'baseline-consumer': [], 'baseline-detached': [], 'service-on-disk': [] };
      let peak = null;
      const sample = () => {
        for (const p of serviceMemory(service)) if (p.role === 'worker' && (!peak || p.rssKiB > peak.rssKiB)) peak = p;
      };
      // Short slices, each reversing the order of the one before (A B … B A …): this machine's speed
      // drifts by tens of percent over seconds, and a drift then falls on every target alike.
      for (let i = 0; i < slices; i += 1) {
        for (const server of i % 2 === 0 ? targets : [...targets].reverse()) {
          const watchMemory = server === service && scenario.id === 'accept-1k' && connections === 50;
          const run = await measured(server, scenario, connections, sliceSeconds, { onSample: watchMemory ? sample : null });
          runs[server.name].push(run);
          log(`  ${scenario.id} c=${connections} slice ${i + 1} ${server.name}: ${run.rps.toFixed(0)} req/s errors ${run.errors} (quiet after ${run.quietMs} ms, drain ${run.drainMs} ms)`);
        }
      }
      recordRssAfter(`${scenario.id} c=${connections}`);
      if (peak) {
        const hwm = serviceMemory(service).find((p) => p.pid === peak.pid);
        const proxy = serviceMemory(service).find((p) => p.role === 'proxy');
        memory.peak_during_accept_c50 = { pid: peak.pid, role: 'worker', proxy_pid: proxy?.pid ?? null, proxy_vm_hwm_mib: proxy ? round(proxy.hwmKiB / 1024, 1) : null, peak_rss_sampled_mib: round(peak.rssKiB / 1024, 1), vm_hwm_mib: round((hwm?.hwmKiB ?? peak.hwmKiB) / 1024, 1) };
      }
      const s = summarise(runs.service);
      const b = summarise(runs.baseline);
      const versus = compare(runs.service, runs.baseline);
      const ingressOnlyVersus = runs['ingress-only'].length > 0 ? compare(runs['ingress-only'], runs.baseline) : null;
      const onDiskVersus = runs['service-on-disk'].length > 0 ? compare(runs['service-on-disk'], runs.baseline) : null;
      const countedRun = countedRuns.get(`${scenario.id}@${connections}`);
      const entry = {
        scenario: scenario.id,
        label: scenario.label,
        connections,
        body_bytes: scenario.body.length,
        expected_status: scenario.expect,
        slices,
        slice_seconds: sliceSeconds,
        service: s,
        service_counted: countedRun ? summarise([countedRun]) : null,
        baseline: b,
        bare: runs.bare.length > 0 ? summarise(runs.bare) : null,
        ingress_only: runs['ingress-only'].length > 0 ? summarise(runs['ingress-only']) : null,
        ingress_only_ratio_rps: ingressOnlyVersus?.ratio ?? null,
        ingress_only_slices: ingressOnlyVersus?.slices ?? null,
        baseline_consumer: runs['baseline-consumer'].length > 0 ? summarise(runs['baseline-consumer']) : null,
        baseline_consumer_ratio_rps: runs['baseline-consumer'].length > 0 ? compare(runs['baseline-consumer'], runs.baseline).ratio : null,
        baseline_detached: runs['baseline-detached'].length > 0 ? summarise(runs['baseline-detached']) : null,
        service_on_disk: onDiskVersus ? summarise(runs['service-on-disk']) : null,
        service_on_disk_ratio_rps: onDiskVersus?.ratio ?? null,
        service_on_disk_slices: onDiskVersus?.slices ?? null,
        ratio_rps: versus.ratio,
        ratio_slices: versus.slices,
        p99_delta_ms: round(s.p99 - b.p99, 2),
        baseline_p99_by_half: p99ByHalf(runs.baseline),
        target_ratio: scenario.target,
        meets_ratio: scenario.target === null ? null : versus.ratio >= scenario.target,
        // Whether the slices' interval clears the target, or the run cannot tell.
        ratio_resolved: scenario.target === null || versus.slices.n < 2 ? null : versus.slices.ci95[0] >= scenario.target || versus.slices.ci95[1] < scenario.target,
        meets_p99: s.p99 <= b.p99 + 1,
        runs: Object.fromEntries(Object.entries(runs).map(([name, list]) => [name, stored(list)])),
      };
      load.push(entry);
    }
  }


  // Latency at a fixed rate well below every target's capacity: what a request itself costs in time,
  // and the stalls it meets, without the queueing that a saturated closed loop adds (there p50 and
  // p99 mostly restate req/s: connections ÷ throughput).
  const fixedRate = [];
  for (const scenario of SCENARIOS.filter((x) => x.id === 'accept-1k' || x.id === 'reject-401')) {
    const targets = scenario.id === 'accept-1k' ? [service, baseline, bare, ingressOnly] : [service, baseline];
    const connections = 10;
    const opts = { rate: CONFIG.fixedRate };
    for (const server of targets) await measured(server, scenario, connections, CONFIG.warmupSeconds, opts);
    const runs = Object.fromEntries(targets.map((t) => [t.name, []]));
    for (let i = 0; i < CONFIG.slices; i += 1) {
      for (const server of i % 2 === 0 ? targets : [...targets].reverse()) runs[server.name].push(await measured(server, scenario, connections, CONFIG.sliceSeconds, opts));
    }
    const [s, b] = [summarise(runs.service), summarise(runs.baseline)];
    const entry = {
      scenario: scenario.id,
      label: scenario.label,
      connections,
      expected_status: scenario.expect,
      rate: CONFIG.fixedRate,
      service: s,
      baseline: b,
      bare: runs.bare ? summarise(runs.bare) : null,
      ingress_only: runs['ingress-only'] ? summarise(runs['ingress-only']) : null,
      p50_delta_ms: round(s.p50 - b.p50, 2),
      p99_delta_ms: round(s.p99 - b.p99, 2),
      baseline_p99_by_half: p99ByHalf(runs.baseline),
      meets_p99: s.p99 <= b.p99 + 1,
    };
    fixedRate.push(entry);
    log(`${scenario.id} at ${CONFIG.fixedRate} req/s: service p50 ${s.p50} p99 ${s.p99} ms | baseline p50 ${b.p50} p99 ${b.p99} ms | p99Δ ${entry.p99_delta_ms} ms`);
  }

  // Fan-out: one event to N workflows, after every load backlog has drained.
  const fanOut = [];
  const phaseErrors = [];
  try {
    // One unmeasured event first: the first fan-out of a fresh process pays its start-up.
    await fanOutOnce(serviceCounted, 1);
    for (const size of CONFIG.fanOutSizes) {
      for (let r = 0; r < CONFIG.fanOutRepeats; r += 1) {
        const result = await fanOutOnce(serviceCounted, size);
        fanOut.push(result);
        log(`fan-out ${size}: dispatched ${result.accept_to_dispatched_ms} ms (consumer ${result.consumer_ms} ms), runtime recorded ${result.runs_recorded_by_runtime} at ${result.accept_to_runtime_recorded_ms} ms, D1 ${result.d1_statements}, sendBatch ${result.send_batch_calls}`);
      }
    }
  } catch (err) {
    // Recorded, not fatal: the load and memory figures above are still written.
    phaseErrors.push({ phase: 'fan-out', error: err instanceof Error ? err.message : String(err) });
    log(`fan-out phase failed: ${phaseErrors.at(-1).error}`);
  }

  // One project's log, fed as the consumer feeds it (bench/service/log-probe.ts), on the counted copy.
  const projectLog = { runs: [], batches: CONFIG.logProbeBatches };
  try {
    for (let r = 0; r < CONFIG.logProbeRepeats; r += 1) {
      await quiesce();
      const res = await http(serviceCounted.port, { method: 'POST', path: `/__bench/log-probe?batches=${CONFIG.logProbeBatches}`, timeoutMs: 120_000 });
      if (res.status !== 200) throw new Error(`log probe answered ${res.status}: ${res.body.slice(0, 300)}`);
      const run = JSON.parse(res.body);
      projectLog.runs.push(run);
      log(
        `project log: one segment ${run.segment.events_per_s} events/s; whole project ${run.project.events_per_s} events/s over ${run.project.segments} segments ` +
          `(${run.project.rollovers} rollovers; batch ${run.project.batch_ms_median} ms, rollover batch ${run.project.rollover_batch_ms_median} ms); an index id ${Math.round(run.index_bytes_per_id)} B`,
      );
    }
    const median = (xs) => {
      const sorted = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
      return sorted[Math.floor(sorted.length / 2)] ?? null;
    };
    projectLog.events_per_s_median = median(projectLog.runs.map((r) => r.segment.events_per_s));
    projectLog.project_events_per_s_median = median(projectLog.runs.map((r) => r.project.events_per_s));
    projectLog.project_vs_segment_median = median(projectLog.runs.map((r) => r.project_vs_segment));
    projectLog.batch_ms_median = median(projectLog.runs.map((r) => r.project.batch_ms_median));
    projectLog.rollover_batch_ms_median = median(projectLog.runs.map((r) => r.project.rollover_batch_ms_median));
  } catch (err) {
    phaseErrors.push({ phase: 'project-log', error: err instanceof Error ? err.message : String(err) });
    log(`project-log phase failed: ${phaseErrors.at(-1).error}`);
  }

  const serviceTail = serviceCounted.tail.slice(-10);
  const measuredServiceTail = service.tail.slice(-10);
  log('stopping servers');
  await stopAll();
  // The state in RAM is given back; bench/.tmp keeps the logs, profiles and the disk copy.
  if (STATE_ROOT !== TMP) rmSync(STATE_ROOT, { recursive: true, force: true });

  let micro = null;
  let schemaBench = null;
  if (CONFIG.micro) {
    log('micro-benchmarks (servers stopped)');
    const microOut = path.join(TMP, 'micro.json');
    const m = await runNode('bench/micro.bench.mjs', { MICRO_JSON: microOut });
    micro = m.ok ? JSON.parse(readFileSync(microOut, 'utf8')) : { error: stripAnsi(m.stderr).slice(-2000) };
    const sb = await runNode('bench/schema.bench.mjs');
    schemaBench = { ok: sb.ok, output: stripAnsi(sb.stdout).trim(), error: sb.ok ? null : stripAnsi(sb.stderr).slice(-2000) };
    // Patterns on the linear-time engine beside the RegExp it replaced (figures also in bench/schema-patterns.md).
    const pb = await runNode('bench/schema-patterns.bench.mjs');
    schemaBench.patterns = { ok: pb.ok, output: stripAnsi(pb.stdout).trim(), error: pb.ok ? null : stripAnsi(pb.stderr).slice(-2000) };
  }

  const d1Totals = Object.fromEntries(d1);
  const d1All = [...d1.values()].reduce((a, v) => Object.fromEntries(Object.keys(a).map((k) => [k, a[k] + v[k]])), { responses: 0, statements: 0, withStatements: 0, missingHeader: 0, background: 0, withBackground: 0 });
  log(`D1 statements on the hot path after warm-up: ${d1All.statements} over ${d1All.responses} responses (${d1All.withStatements} responses with any; ${d1All.missingHeader} without the header); started for waitUntil: ${d1All.background} by ${d1All.withBackground} responses`);

  const results = {
    generated_at: new Date().toISOString(),
    started_at: startedAt.toISOString(),
    quick: QUICK,
    machine: {
      cpus: os.cpus().length,
      cpu_model: os.cpus()[0]?.model ?? null,
      memory_gib: round(os.totalmem() / 2 ** 30, 1),
      loadavg_at_end: os.loadavg().map((x) => round(x, 2)),
      // The servers' idle CPU together, in cores: each wait for quiet is for this plus a tenth of a core.
      servers_idle_cores: round(idleCores, 3),
      node: process.version,
      wrangler: (() => {
        try {
          return wranglerSync(['--version']).trim().split('\n').pop();
        } catch {
          return null;
        }
      })(),
      git_commit: (() => {
        try {
          return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
        } catch {
          return null;
        }
      })(),
    },
    config: { ...CONFIG, state_root: STATE_ROOT === TMP ? path.relative(ROOT, TMP) : STATE_ROOT, scenarios: SCENARIOS.map((s) => s.id), out: path.relative(ROOT, CONFIG.out), md: CONFIG.md && path.relative(ROOT, CONFIG.md) },
    load,
    fixed_rate: fixedRate,
    d1_hot_path: { total: d1All, by_scenario: d1Totals },
    counted_seconds: countedSeconds,
    fan_out: fanOut,
    project_log: projectLog,
    memory,
    large_bodies: largeBodies,
    profiles,
    time_split: stepSplit({ load, profiles, steps: CONSUMER_STEPS, scenarios: SPLIT_SCENARIOS, connections: SPLIT_CONNECTIONS }),
    phase_errors: phaseErrors,
    consumer: {
      // Of the counted copy: the measured service prints no metric lines.
      fan_out_failures: serviceCounted.failures,
      fan_out_metrics: serviceCounted.metricCount,
      batches: serviceCounted.batches,
      d1_round_trips: serviceCounted.d1RoundTrips,
      d1_round_trips_per_batch: serviceCounted.batches > 0 ? round(serviceCounted.d1RoundTrips / serviceCounted.batches, 2) : null,
      d1_statements: serviceCounted.d1Statements,
      d1_statements_per_batch: serviceCounted.batches > 0 ? round(serviceCounted.d1Statements / serviceCounted.batches, 2) : null,
      events_per_batch: serviceCounted.batches > 0 ? round(serviceCounted.metricCount / serviceCounted.batches, 1) : null,
      service_log_tail: serviceTail,
      // The measured service's own failures still show, even without metric lines.
      measured_service_fan_out_failures: service.failures,
      measured_service_log_tail: measuredServiceTail,
    },
    micro,
    schema_bench: schemaBench,
  };
  mkdirSync(path.dirname(CONFIG.out), { recursive: true });
  writeFileSync(CONFIG.out, JSON.stringify(results, null, 2) + '\n');
  log(`wrote ${path.relative(ROOT, CONFIG.out)}`);
  if (CONFIG.md) {
    writeFileSync(CONFIG.md, withSignatureFloodSection(renderMarkdown(results), results));
    log(`wrote ${path.relative(ROOT, CONFIG.md)}`);
  }
  for (const e of load) {
    log(`${e.scenario.padEnd(11)} c=${String(e.connections).padEnd(2)} service ${e.service.rps} req/s p99 ${e.service.p99} | baseline ${e.baseline.rps} req/s p99 ${e.baseline.p99} | ratio ${e.ratio_rps} (target ${e.target_ratio ?? '-'}) p99Δ ${e.p99_delta_ms} ms`);
  }
}

main()
  .then(() => process.exit(0))
  .catch(async (err) => {
    console.error('[bench] failed:', err instanceof Error ? err.stack : err);
    await stopAll();
    process.exit(1);
  });
