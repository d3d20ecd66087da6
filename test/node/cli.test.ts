/**
 * `hasp`, the command line, against a real `npm run dev`: each command is run as a child process
 * (`node cli/bin.mjs …`, what `npm exec hasp` runs in a clone), with its config directory in a temp
 * dir. Covers login/whoami, create by description, list/show with dependents, sends signed for
 * several schemes (202 / 401 / 400 with paths), tail showing an event and a refusal, `tail -n`
 * counting the events it shows, a kept refusal replayed once its schema is fixed, replays that
 * start no run twice (counted by the stand-in runtime), a refused delete naming its dependents,
 * --help on every command, completion scripts, and that no secret is printed or stored outside the
 * one-time display. The installed package (cli/package.json) is tested in cli-package.test.ts.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/main';
import { CLONE_BIN, runHasp, until, type CliRun } from './helpers/cli-process';
import { eventOnceDispatched, http, runsRecordedByStandin, startDevServer, type DevServer } from './helpers/dev-server';

const PORT = 8803;
const TOKEN = 'hasp_test_cli_token_0123456789abcdef';
const SECRET = 'whsec_Y2xpLXRlc3Qtc2VjcmV0LTAxMjM0NTY3ODlhYmNk';
const API_URL = `http://api.localhost:${PORT}`;
const SEEDED = 'ehr-chart-updated';
const WRONG_SECRET = 'whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldC13cm9uZw==';
const CHART = JSON.stringify({ patient_id: 'p1', event: 'chart_updated', updated_fields: ['allergies'] });

let server: DevServer;
let config: string;

/** Everything the CLI printed outside a create/rotate (which display a secret once). */
const printed: string[] = [];
/** Every webhook secret the test learned (its own, generated or supplied). */
const secrets = new Set<string>([SECRET]);

async function hasp(args: string[], opts: { env?: Record<string, string | undefined>; input?: string; showsSecret?: boolean } = {}): Promise<CliRun> {
  const run = await runHasp(args, { HASP_API_URL: API_URL, HASP_API_TOKEN: TOKEN, XDG_CONFIG_HOME: config, ...opts.env }, opts.input);
  if (!opts.showsSecret) printed.push(run.stdout, run.stderr);
  return run;
}

async function json<T>(args: string[], opts: Parameters<typeof hasp>[1] = {}): Promise<T> {
  const run = await hasp([...args, '--json'], opts);
  if (run.code !== 0) throw new Error(`hasp ${args.join(' ')} exited ${run.code}: ${run.stdout} ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

interface Webhook {
  id: string;
  slug: string;
  url: string;
  secret?: string;
  auth: { method: string; scheme?: string };
  dependents: { id: string; name: string }[];
}
interface SendAnswer {
  status: number;
  body: { event_id?: string; code?: string; errors?: { path: string }[] };
}

async function created(args: string[]): Promise<Webhook> {
  const hook = await json<Webhook>(['webhooks', 'create', ...args], { showsSecret: true });
  if (hook.secret !== undefined) secrets.add(hook.secret);
  return hook;
}

async function runsOf(eventId: string): Promise<{ id: string; workflow_id: string }[]> {
  const res = await http(PORT, `api.localhost`, 'GET', `/v1/events/${eventId}`, { authorization: `Bearer ${TOKEN}` });
  return (JSON.parse(res.text) as { runs: { id: string; workflow_id: string }[] }).runs;
}

interface TailItem {
  kind: 'event' | 'refusal';
  event?: { id: string; runs: unknown[] };
  refusal?: { reason: string; http_status: number; request_id: string | null };
}

/** `hasp events tail --json …` running in the background: what it printed so far, and a way to stop it. */
function followTail(args: string[]) {
  const child = spawn('node', [CLONE_BIN, 'events', 'tail', '--json', ...args], {
    env: { ...process.env, HASP_API_URL: API_URL, HASP_API_TOKEN: TOKEN, XDG_CONFIG_HOME: config, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const items = () => out.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as TailItem);
  return {
    items,
    /** Waits until `what` holds of what tail printed (the backlog is complete once it says it follows). */
    until: async (what: (items: TailItem[], stderr: string) => boolean, label: string) => {
      await until(() => {
        if (child.exitCode !== null) throw new Error(`tail exited ${child.exitCode}: ${out} ${err}`);
        return what(items(), err);
      }, `tail to show ${label}: ${out} ${err}`);
    },
    stop: () => {
      child.kill('SIGINT');
      printed.push(out, err);
    },
  };
}

beforeAll(async () => {
  config = mkdtempSync(join(tmpdir(), 'hasp-cli-config-'));
  server = await startDevServer({ port: PORT, token: TOKEN, secret: SECRET, args: ['--inspector-port', '9243'] });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  rmSync(config, { recursive: true, force: true });
});

describe('hasp login and whoami', () => {
  it('stores a token the API accepted in a 0600 file, and whoami reads it', async () => {
    const login = await hasp(['login', '--token', TOKEN], { env: { HASP_API_TOKEN: undefined } });
    expect(login.code).toBe(0);
    const file = join(config, 'hasp', 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ api_url: API_URL, api_token: TOKEN });
    const who = await json<{ api_url: string; token_source: string; org_host: string }>(['whoami'], { env: { HASP_API_TOKEN: undefined } });
    expect(who).toMatchObject({ api_url: API_URL, token_source: 'config file', org_host: `http://acme.localhost:${PORT}` });
  }, 30_000);

  it('refuses a wrong token with a non-zero exit that says how to fix it, blaming where the token came from', async () => {
    const login = await hasp(['login', '--token', 'hasp_wrong_token_000000000000'], { env: { HASP_API_TOKEN: undefined, XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'hasp-cli-empty-')) } });
    expect(login.code).not.toBe(0);
    expect(login.stderr).toContain(`The token given with --token was refused by ${API_URL}.`);
    expect(login.stderr).toContain('Nothing was stored.');
    expect(login.stderr).not.toContain('config file');
    const who = await hasp(['whoami'], { env: { HASP_API_TOKEN: 'hasp_wrong_token_000000000000' } });
    expect(who.code).not.toBe(0);
    expect(who.stderr).toMatch(/refused[\s\S]*HASP_API_TOKEN/);
    const none = await hasp(['webhooks', 'list'], { env: { HASP_API_TOKEN: undefined, XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'hasp-cli-empty-')) } });
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('hasp login');
  }, 30_000);
});

describe('hasp webhooks and hasp send', () => {
  it('creates a webhook from a description, lists it and shows the seeded one with its dependents', async () => {
    const hook = await created(['--describe', "Create a webhook so our EHR system can notify us when a patient's chart is updated."]);
    expect(hook.secret).toMatch(/^whsec_/);
    const list = await json<Webhook[]>(['webhooks', 'list']);
    expect(list.map((w) => w.slug)).toEqual(expect.arrayContaining([hook.slug, SEEDED]));
    const seeded = await json<Webhook>(['webhooks', 'show', SEEDED]);
    expect(seeded.dependents.length).toBeGreaterThan(0);
    const human = await hasp(['webhooks', 'show', SEEDED]);
    expect(human.stdout).toContain(seeded.dependents[0]?.id ?? 'a dependent');
    const answer = await json<SendAnswer>(['send', hook.slug]);
    expect(answer.status).toBe(202);
  }, 60_000);

  it('sends Standard Webhooks events: 202 signed by the service or with the secret, 401 with a wrong one, 400 with each failing path', async () => {
    const byService = await hasp(['send', SEEDED, '--data', CHART]);
    expect(byService.code).toBe(0);
    expect(byService.stdout).toMatch(/^202\s+evt_/);
    expect((await json<SendAnswer>(['send', SEEDED, '--data', '-'], { input: CHART, env: { HASP_WEBHOOK_SECRET: SECRET } })).status).toBe(202);
    const wrong = await hasp(['send', SEEDED, '--data', CHART, '--secret', WRONG_SECRET]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/^401\s+bad-signature/);
    const bad = await hasp(['send', SEEDED, '--data', JSON.stringify({ patient_id: 7, event: 'chart_updated' })]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^400\s+schema-mismatch/);
    expect(bad.stdout).toContain('/patient_id');
    expect(bad.stdout).toContain('/updated_fields');
  }, 60_000);

  it.each([
    ['github', ['--auth', 'github', '--secret', 'gh-webhook-secret-for-cli-0123'], 'gh-webhook-secret-for-cli-0123'],
    ['stripe', ['--auth', 'stripe', '--secret', 'whsec_stripe_cli_test_0123456789'], 'whsec_stripe_cli_test_0123456789'],
    ['header', ['--auth', 'header:X-Api-Key'], null],
    ['bearer', ['--auth', 'bearer'], null],
  ])('signs as %s does: 202 from the service and from the CLI, 401 with another secret', async (name, args, supplied) => {
    if (supplied !== null) secrets.add(supplied);
    const hook = await created(['--name', `cli ${name}`, ...args]);
    const secret = supplied ?? hook.secret ?? '';
    const payload = JSON.stringify({ id: `evt_cli_${name}_${Date.now()}`, type: 'ping' });
    expect((await json<SendAnswer>(['send', hook.slug, '--data', payload])).status).toBe(202);
    expect((await json<SendAnswer>(['send', hook.slug, '--data', payload, '--secret', secret])).status).toBe(202);
    const wrong = await hasp(['send', hook.slug, '--data', payload, '--secret', `${secret}x`, '--json']);
    expect(wrong.code).toBe(1);
    expect((JSON.parse(wrong.stdout) as SendAnswer).status).toBe(401);
  }, 60_000);

  it('rotates a secret, showing the new one once, and the service signs with it', async () => {
    const hook = await created(['--name', 'cli rotating']);
    const rotated = await json<{ secret: string }>(['webhooks', 'rotate-secret', hook.slug, '--overlap', '0'], { showsSecret: true });
    secrets.add(rotated.secret);
    expect(rotated.secret).not.toBe(hook.secret);
    expect((await json<SendAnswer>(['send', hook.slug])).status).toBe(202);
  }, 30_000);

  it('refuses to delete a webhook with dependents and prints them; deletes one without', async () => {
    const seeded = await json<Webhook>(['webhooks', 'show', SEEDED]);
    const refused = await hasp(['webhooks', 'delete', SEEDED, '--yes']);
    expect(refused.code).not.toBe(0);
    for (const dependent of seeded.dependents) expect(refused.stderr).toContain(dependent.id);
    const hook = await created(['--name', 'cli doomed']);
    expect((await hasp(['webhooks', 'delete', hook.slug, '--yes'])).code).toBe(0);
    expect((await hasp(['webhooks', 'show', hook.slug])).code).not.toBe(0);
  }, 30_000);
});

describe('hasp events', () => {
  it('tail shows a new event with its runs and a refusal with its cause', async () => {
    const tail = followTail(['--rejections', '--lines', '0', '--interval', '300']);
    try {
      await tail.until((_items, err) => err.includes('Following'), 'that it follows');
      const sent = await json<SendAnswer>(['send', SEEDED, '--data', CHART]);
      await hasp(['send', SEEDED, '--data', CHART, '--secret', WRONG_SECRET]);
      await tail.until((items) => items.some((i) => i.kind === 'event' && i.event?.id === sent.body.event_id && (i.event?.runs.length ?? 0) > 0), 'the event with its run');
      await tail.until((items) => items.some((i) => i.kind === 'refusal' && i.refusal?.reason === 'bad-signature' && i.refusal.http_status === 401), 'the refusal');
    } finally {
      tail.stop();
    }
  }, 60_000);

  it('tail -n 2 without --rejections shows the last 2 events, each once, when refusals came after them', async () => {
    const hook = await created(['--name', 'cli tail backlog']);
    const events: string[] = [];
    for (const n of [1, 2, 3]) {
      const sent = await json<SendAnswer>(['send', hook.slug, '--data', JSON.stringify({ n })]);
      events.push(sent.body.event_id ?? '');
      await eventOnceDispatched(PORT, TOKEN, sent.body.event_id ?? '');
    }
    await hasp(['send', hook.slug, '--data', '{"n":4}', '--secret', WRONG_SECRET]);
    await hasp(['send', hook.slug, '--data', '{"n":5}', '--secret', WRONG_SECRET]);
    // The refusals are the newest changes of this webhook before tail starts.
    const lastFeedKind = async () => {
      const res = await http(PORT, 'api.localhost', 'GET', `/v1/feed?limit=100&webhook_id=${hook.id}`, { authorization: `Bearer ${TOKEN}` });
      return (JSON.parse(res.text) as { data: { kind: string }[] }).data.at(-1)?.kind;
    };
    await until(async () => (await lastFeedKind()) === 'refusal', 'the refusals in the feed');

    const tail = followTail(['--webhook', hook.slug, '-n', '2']);
    try {
      await tail.until((_items, err) => err.includes('Following'), 'that it follows');
      expect(tail.items().map((i) => (i.kind === 'event' ? i.event?.id : i.kind))).toEqual(events.slice(1));
    } finally {
      tail.stop();
    }
  }, 90_000);

  it('replays a kept refusal (req_…, as tail prints it) once the schema accepts it, and not before', async () => {
    const sample = join(config, 'kept-sample.json');
    writeFileSync(sample, JSON.stringify({ patient_id: 'p1' }));
    const hook = await created(['--name', 'cli kept refusal', '--sample', sample]);
    const refused = await hasp(['send', hook.slug, '--data', JSON.stringify({ patient_id: 7 })]);
    expect(refused.stdout).toMatch(/^400\s+schema-mismatch/);

    const tail = followTail(['--webhook', hook.slug, '--rejections', '--interval', '300']);
    let requestId = '';
    try {
      await tail.until((items) => items.some((i) => (i.refusal?.request_id ?? '').startsWith('req_')), 'the refusal with its kept request');
      requestId = tail.items().find((i) => i.refusal?.request_id)?.refusal?.request_id ?? '';
    } finally {
      tail.stop();
    }

    const still = await hasp(['events', 'replay', requestId]);
    expect(still.code).toBe(1);
    expect(still.stderr).toContain(`${requestId} is still refused`);
    expect(still.stderr).toContain('/patient_id');

    const schema = { type: 'object', properties: { patient_id: { type: 'integer' } }, required: ['patient_id'] };
    const patched = await http(PORT, 'api.localhost', 'PATCH', `/v1/webhooks/${hook.id}`, { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, JSON.stringify({ schema }));
    expect(patched.status, patched.text).toBe(200);
    const replayed = await json<{ event_id: string; status: string }>(['events', 'replay', requestId]);
    expect(replayed.status).toBe('accepted');
    expect(replayed.event_id).toMatch(/^evt_/);
    expect((await eventOnceDispatched(PORT, TOKEN, replayed.event_id)).status).toBe('dispatched');
  }, 90_000);

  it('replays one event and then many, starting no run twice', async () => {
    const seeded = await json<Webhook>(['webhooks', 'show', SEEDED]);
    const workflows = seeded.dependents.length;
    const sent = await json<SendAnswer>(['send', SEEDED, '--data', CHART]);
    const eventId = sent.body.event_id ?? '';
    await runsRecordedByStandin(server.state, eventId, workflows);

    const one = await hasp(['events', 'replay', eventId]);
    expect(one.code).toBe(0);
    const bulk = await hasp(['events', 'replay', '--webhook', SEEDED, '--since', '1h', '--json']);
    // Not a terminal: the job id is on stderr anyway, so whoever stops the CLI can follow it again.
    expect(bulk.stderr).toMatch(/^Started rpl_\w+$/m);
    const job = JSON.parse(bulk.stdout) as { status: string; scanned: number; replayed: number; skipped: number };
    expect(job.status).toBe('done');
    expect(job.scanned).toBeGreaterThan(0);
    // A bulk replay run again (as after an interruption) re-sends the events; the fan-out starts
    // only runs that do not exist yet, so the run count below must not move.
    const again = await json<{ status: string; scanned: number }>(['events', 'replay', '--webhook', SEEDED, '--since', '1h']);
    expect(again).toMatchObject({ status: 'done', scanned: job.scanned });

    // A duplicate would arrive late, so absence is checked only after a positive signal: an event
    // sent after every replay has its runs recorded. The events shard delivers its messages in
    // order, one batch at a time, and the runs shard likewise, so by then every replay sent above
    // has been fanned out and any run it started has reached the stand-in.
    const after = await json<SendAnswer>(['send', SEEDED, '--data', CHART]);
    await runsRecordedByStandin(server.state, after.body.event_id ?? '', workflows);
    const runs = await runsOf(eventId);
    expect(runs).toHaveLength(workflows);
    expect(new Set(runs.map((r) => r.workflow_id)).size).toBe(workflows);
    expect(await runsRecordedByStandin(server.state, eventId, workflows)).toHaveLength(workflows);
  }, 90_000);
});

describe('hasp help and completion', () => {
  it('has --help on every command', async () => {
    const paths: string[][] = [];
    const walk = (command: ReturnType<typeof buildProgram>, path: string[]) => {
      paths.push(path);
      for (const sub of command.commands) walk(sub, [...path, sub.name()]);
    };
    walk(buildProgram(), []);
    expect(paths.length).toBeGreaterThan(10);
    const runs = await Promise.all(paths.map((path) => hasp([...path, '--help'])));
    runs.forEach((run, i) => {
      expect(run.code, paths[i]?.join(' ')).toBe(0);
      expect(run.stdout).toContain(`Usage: hasp${paths[i]?.length ? ` ${paths[i]?.join(' ')}` : ''}`);
    });
  }, 60_000);

  it('generates bash, zsh and fish completion from the command tree', async () => {
    const bash = await hasp(['completion', 'bash']);
    expect(bash.stdout).toContain('complete -F _hasp hasp');
    expect(bash.stdout).toContain('rotate-secret');
    const syntax = await new Promise<number>((resolve) => execFile('bash', ['-n', '-c', bash.stdout], (err) => resolve(err === null ? 0 : 1)));
    expect(syntax).toBe(0);
    const words = await new Promise<string>((resolve) =>
      execFile('bash', ['-c', `${bash.stdout}\nCOMP_WORDS=(hasp webhooks r); COMP_CWORD=2; _hasp; echo "\${COMPREPLY[@]}"`], (_err, out) => resolve(out.trim())),
    );
    expect(words).toBe('rotate-secret');
    expect((await hasp(['completion', 'zsh'])).stdout).toContain('#compdef hasp');
    expect((await hasp(['completion', 'fish'])).stdout).toContain("-a 'tail'");
    expect((await hasp(['completion', 'tcsh'])).code).not.toBe(0);
  }, 30_000);
});

describe('secrets', () => {
  it('appear in nothing printed but the one-time display, and in nothing stored', () => {
    expect(secrets.size).toBeGreaterThan(4);
    const all = printed.join('\n');
    for (const secret of secrets) expect(all).not.toContain(secret);
    const stored = readdirSync(join(config, 'hasp')).map((name) => readFileSync(join(config, 'hasp', name), 'utf8')).join('\n');
    for (const secret of secrets) expect(stored).not.toContain(secret);
  });
});
