/**
 * Runs `npm run dev` (scripts/dev.mjs) as a new user would, on its own port and state dir, and
 * talks to it over node:http: Node's fetch drops the Host header the org routing needs.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';

export interface DevServer {
  port: number;
  state: string;
  output: () => string;
  stop: () => Promise<void>;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface DevServerOptions {
  port: number;
  token: string;
  secret: string;
  /** Passed on to `wrangler dev`, as `npm run dev -- …` does. */
  args?: string[];
  env?: Record<string, string>;
  /** `'argument'`: the port goes as `npm run dev -- --port N` with no PORT set, as README offers. */
  portBy?: 'env' | 'argument';
  /** What node runs in place of `scripts/dev.mjs` (a `wrangler dev` of a fixture Worker). */
  entry?: string[];
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const state = mkdtempSync(join(tmpdir(), 'hasp-dev-'));
  let output = '';
  const byArgument = opts.portBy === 'argument';
  const inherited = { ...process.env };
  delete inherited.PORT;
  const args = [...(byArgument ? ['--port', String(opts.port)] : []), ...(opts.args ?? [])];
  const child: ChildProcess = spawn('node', [...(opts.entry ?? ['scripts/dev.mjs']), ...args], {
    env: { ...inherited, ...opts.env, ...(byArgument ? {} : { PORT: String(opts.port) }), HASP_DEV_STATE: state, HASP_DEV_API_TOKEN: opts.token, HASP_DEV_WEBHOOK_SECRET: opts.secret },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    }
    rmSync(state, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90_000;
  while (!/Ready on http/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`${opts.entry === undefined ? 'npm run dev' : opts.entry.join(' ')} did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { port: opts.port, state, output: () => output, stop };
}

export function http(port: number, host: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { ...headers, host } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Standard Webhooks headers for `body`, signed by the standardwebhooks library. */
export function signedHeaders(secret: string, id: string, body: string): Record<string, string> {
  const at = new Date();
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}

export interface DispatchedEvent {
  status: string;
  runs: { id: string; status: string }[];
}

/** The event as the control API shows it, once the fan-out has dispatched it. */
export async function eventOnceDispatched(port: number, token: string, eventId: string): Promise<DispatchedEvent> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await http(port, 'api.usehasp.run', 'GET', `/v1/events/${eventId}`, { authorization: `Bearer ${token}` });
    if (res.status === 200) {
      const event = JSON.parse(res.text) as DispatchedEvent;
      if (event.status === 'dispatched') return event;
    }
    if (Date.now() > deadline) throw new Error(`event ${eventId} not dispatched: ${res.status} ${res.text}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * The runs the stand-in runtime (workers/runtime-standin, started by `npm run dev` beside the
 * service) recorded for an event, read from its own local D1 as README shows, once there are
 * `count` of them.
 */
export async function runsRecordedByStandin(state: string, eventId: string, count: number): Promise<string[]> {
  if (!/^evt_[a-z0-9]+$/.test(eventId)) throw new Error(`not an event id: ${eventId}`);
  const query = `SELECT run_id FROM runtime_receipts WHERE event_id = '${eventId}' ORDER BY run_id`;
  const args = ['d1', 'execute', 'hasp-runtime-standin', '--local', '--config', 'workers/runtime-standin/wrangler.toml', '--persist-to', state, '--json', '--command', query];
  const deadline = Date.now() + 20_000;
  for (;;) {
    const stdout = await new Promise<string | null>((resolve, reject) =>
      execFile('node_modules/.bin/wrangler', args, { env: { ...process.env, WRANGLER_LOG: 'log', WRANGLER_SEND_METRICS: 'false' }, encoding: 'utf8' }, (err, out) => {
        // The running dev server writes the same SQLite file: a read that meets its lock is tried again.
        if (err && /SQLITE_BUSY|database is locked/.test(err.message) && Date.now() <= deadline) resolve(null);
        else if (err) reject(err);
        else resolve(out);
      }),
    );
    const [result] = stdout === null ? [] : (JSON.parse(stdout) as { results: { run_id: string }[] }[]);
    const runIds = result?.results.map((r) => r.run_id) ?? [];
    if (runIds.length >= count) return runIds;
    if (Date.now() > deadline) throw new Error(`the stand-in recorded ${runIds.length} of ${count} runs of ${eventId}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
