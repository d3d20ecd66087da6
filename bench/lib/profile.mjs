// A CPU profile of the user Worker's isolate through the inspector `wrangler dev` serves
// (--inspector-port), via the Chrome DevTools Protocol. Needs a global WebSocket: run Node 20
// with --experimental-websocket (bench/run.mjs does so for BENCH_PROFILE=1).

/** A DevTools Protocol session with the Worker's isolate on `inspectorPort`. */
async function inspect(inspectorPort) {
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
  const url = targets.find((t) => t.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on ${inspectorPort}`);
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let nextId = 0;
  const pending = new Map();
  ws.onmessage = (event) => {
    const message = JSON.parse(typeof event.data === 'string' ? event.data : event.data.toString());
    if (message.id && pending.has(message.id)) {
      pending.get(message.id)(message);
      pending.delete(message.id);
    }
  };
  // A command the inspector never answers must not stall the whole bench.
  const send = (method, params = {}, timeoutMs = 60_000) =>
    new Promise((resolve, reject) => {
      nextId += 1;
      const id = nextId;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`inspector did not answer ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => ws.close() };
}

/** Profiles the Worker on `inspectorPort` while `during()` runs; returns the raw .cpuprofile. */
export async function cpuProfile(inspectorPort, during) {
  const { send, close } = await inspect(inspectorPort);
  await send('Profiler.enable');
  await send('Profiler.setSamplingInterval', { interval: 200 });
  await send('Profiler.start');
  const result = await during();
  const stopped = await send('Profiler.stop');
  close();
  return { profile: stopped.result?.profile ?? null, result };
}

/**
 * Reads the Worker isolate's JS heap after a full collection, in bytes: what a per-request leak
 * (say, in the config cache) would grow, without the process's allocator and storage caches
 * around it. One connection serves every reading.
 *
 * A collection keeps whatever work is in flight at that moment (a config refresh, the request
 * that woke the isolate): single readings once showed 0.76 MiB more in the last round of a run,
 * and 0.88 MiB more in round 2 of another, gone by round 3. The smallest of a few readings a
 * second apart is what stays; a leak is in every one of them.
 */
export async function heapProbe(inspectorPort, poke, { readings = 3, gapMs = 1000 } = {}) {
  const { send, close } = await inspect(inspectorPort);
  const once = async () => {
    // workerd serves inspector commands when the isolate next runs: an idle one needs a request.
    const poker = setInterval(() => poke().catch(() => undefined), 250);
    try {
      await send('HeapProfiler.collectGarbage', {}, 20_000);
      const usage = await send('Runtime.getHeapUsage', {}, 20_000);
      return usage.result?.usedSize ?? null;
    } finally {
      clearInterval(poker);
    }
  };
  return {
    async usedAfterGc() {
      const sizes = [];
      for (let i = 0; i < readings; i += 1) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
        const size = await once();
        if (size !== null) sizes.push(size);
      }
      return sizes.length === 0 ? null : Math.min(...sizes);
    },
    close,
  };
}

/**
 * A session for large-body memory readings (bench/run.mjs `largeBodyMemory`): the heap in use now
 * (`Runtime.getHeapUsage`: usedSize, totalSize, and where the runtime reports them
 * embedderHeapUsedSize and backingStorageSize, the ArrayBuffers' memory outside the JS heap) and
 * after a full collection. `poke` keeps an idle isolate running so it serves the commands.
 */
export async function heapWatch(inspectorPort, poke) {
  const { send, close } = await inspect(inspectorPort);
  const withPokes = async (work) => {
    const poker = setInterval(() => poke().catch(() => undefined), 250);
    try {
      return await work();
    } finally {
      clearInterval(poker);
    }
  };
  const usage = async (timeoutMs = 20_000) => {
    const r = (await send('Runtime.getHeapUsage', {}, timeoutMs)).result ?? null;
    return r && { used: r.usedSize ?? null, total: r.totalSize ?? null, embedder: r.embedderHeapUsedSize ?? null, backing: r.backingStorageSize ?? null };
  };
  return {
    /** One reading, without poking: for use while requests keep the isolate busy. */
    usage,
    async afterGc() {
      return withPokes(async () => {
        await send('HeapProfiler.collectGarbage', {}, 20_000);
        return usage();
      });
    },
    close,
  };
}

/** A profile frame's function name as written in the source: esbuild's de-duplicating digit suffix dropped (`parseBody2`). */
const sourceName = (name) => name.replace(/(?<=[A-Za-z_$])\d+$/, '');

/**
 * Whether a frame (given the frames below it, root first) matches `pattern` of bench/lib/steps.mjs:
 * `name`, `name!` (native frames only) or `outer>name` (with `outer` below it on the stack).
 */
function matches(pattern, frame, below) {
  const [outer, inner] = pattern.includes('>') ? pattern.split('>') : [null, pattern];
  const native = inner.endsWith('!');
  const name = native ? inner.slice(0, -1) : inner;
  if (sourceName(frame.callFrame.functionName) !== name) return false;
  if (native && frame.callFrame.url) return false;
  return outer === null || below.some((f) => sourceName(f.callFrame.functionName) === outer);
}

/**
 * Time per step (bench/lib/steps.mjs), in ms: each sample is charged to the innermost frame of its
 * stack that matches any step. `matched` says whether any frame matched the step at all: a step
 * that matched nothing is unknown ("—"), not zero.
 */
export function stepsOf(profile, steps, deltas) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const stepOfNode = new Map();
  const matched = new Set();
  const walk = (node, below, current) => {
    let step = current;
    for (const s of steps) {
      if (s.names.some((pattern) => matches(pattern, node, below))) {
        step = s.key;
        matched.add(s.key);
        break;
      }
    }
    stepOfNode.set(node.id, step);
    below.push(node);
    for (const child of node.children ?? []) walk(byId.get(child), below, step);
    below.pop();
  };
  walk(profile.nodes[0], [], null);
  const ms = Object.fromEntries(steps.map((s) => [s.key, 0]));
  profile.samples.forEach((id, i) => {
    const step = stepOfNode.get(id);
    if (step) ms[step] += deltas[i];
  });
  return Object.fromEntries(steps.map((s) => [s.key, { ms: Math.round(ms[s.key] * 10) / 10, matched: matched.has(s.key) }]));
}

/** Functions whose inclusive time tells where a request's CPU goes (names as bundled). */
const BUCKETS = {
  'fetch path (route: host routing + ingress)': ['route'],
  'config lookup (WebhookResolver.resolve)': ['resolve'],
  'signature verify': ['verify'],
  'body read (readBodyWithin)': ['readBodyWithin'],
  'parse (parseBody)': ['parseBody'],
  'schema validate': ['validate'],
  'event id (eventIdForDelivery / derivedId)': ['eventIdForDelivery', 'derivedId'],
  'enqueue (enqueueEvent)': ['enqueueEvent'],
  'queue consumer (consumeBatch)': ['consumeBatch'],
  'fan-out (fanOut, sendRuns)': ['fanOut', 'sendRuns'],
  'drizzle D1 session (execute/values/all/run/batch)': ['D1PreparedQuery', 'batch', 'values', 'all', 'run', 'get'],
  'garbage collector': ['(garbage collector)'],
  'idle': ['(idle)'],
  'program (runtime, outside JS)': ['(program)'],
};

/** A sample's delta beyond this many typical sampling intervals is a stretch nobody sampled. */
const GAP_INTERVALS = 10;

/**
 * Self time by function and inclusive time by bucket, in ms, from a .cpuprofile.
 *
 * workerd takes no samples while the isolate is not running, so the first sample after a long
 * idle stretch (the bench waiting for the machine to go quiet) carries the whole stretch as its
 * delta: 20 s once landed on one cache lookup. Each delta is capped at GAP_INTERVALS × the median
 * one, and what is cut off is reported as `unsampled_ms`, outside every share.
 */
export function summariseProfile(profile, top = 20, steps = null) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const deltas = profile.samples.map((_id, i) => (profile.timeDeltas[i] ?? 0) / 1000);
  const sorted = [...deltas].sort((a, b) => a - b);
  const cap = GAP_INTERVALS * (sorted[Math.floor(sorted.length / 2)] ?? 0);
  const self = new Map();
  let unsampled = 0;
  for (let i = 0; i < profile.samples.length; i += 1) {
    const dt = Math.min(deltas[i], cap);
    unsampled += deltas[i] - dt;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  const inclusive = new Map();
  const total = (node) => {
    if (inclusive.has(node.id)) return inclusive.get(node.id);
    let sum = self.get(node.id) ?? 0;
    for (const child of node.children ?? []) sum += total(byId.get(child));
    inclusive.set(node.id, sum);
    return sum;
  };
  const root = profile.nodes[0];
  const totalMs = total(root);
  const label = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop() || ''}:${n.callFrame.lineNumber + 1}`;
  const selfByFn = new Map();
  for (const n of profile.nodes) selfByFn.set(label(n), (selfByFn.get(label(n)) ?? 0) + (self.get(n.id) ?? 0));
  const topSelf = [...selfByFn].sort((a, b) => b[1] - a[1]).slice(0, top).map(([fn, msSelf]) => ({ fn, self_ms: Math.round(msSelf), share: Math.round((msSelf / totalMs) * 1000) / 10 }));
  const buckets = {};
  for (const [name, fns] of Object.entries(BUCKETS)) {
    // Inclusive time of the outermost matching frames only, so nested matches are not counted twice.
    let sum = 0;
    const walk = (node, inside) => {
      const match = !inside && fns.includes(sourceName(node.callFrame.functionName));
      if (match) sum += total(node);
      for (const child of node.children ?? []) walk(byId.get(child), inside || match);
    };
    walk(root, false);
    buckets[name] = { ms: Math.round(sum), share: Math.round((sum / totalMs) * 1000) / 10 };
  }
  const cappedDeltas = deltas.map((d) => Math.min(d, cap));
  return { total_ms: Math.round(totalMs), unsampled_ms: Math.round(unsampled), buckets, top_self: topSelf, ...(steps ? { steps: stepsOf(profile, steps, cappedDeltas) } : {}) };
}
