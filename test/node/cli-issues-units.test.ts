/**
 * `hasp issues` without a dev server: what each command asks the control API (filters as query
 * parameters, a webhook named by slug resolved to its id, a state change as a PATCH), how an issue
 * reads (cause in words, counts, failing paths, samples, the commands that move it on), the
 * refusals' next steps, and bad flags refused as usage errors before any request.
 */
import { describe, expect, it } from 'vitest';
import { buildProgram, main } from '../../cli/main';
import { issueRows, printIssue, type IssueView } from '../../cli/commands/issues-text';
import { issuesQuery } from '../../cli/commands/issues-list';
import { captured, useFakeApi } from './helpers/cli-process';

const NOW = Date.parse('2026-05-01T12:00:00.000Z');

const ISSUE: IssueView = {
  id: 'iss_01hzzzzzzzzzzzzzzzzzzzzzzz',
  webhook_id: 'wh_01hchart',
  cause: 'content',
  state: 'open',
  summary: '12 requests were refused for their content, most often at /status.',
  first_seen_at: '2026-05-01T11:40:00.000Z',
  last_seen_at: '2026-05-01T11:57:00.000Z',
  opened_at: '2026-05-01T11:45:00.000Z',
  acknowledged_at: null,
  resolved_at: null,
  count: 12,
  reopen_count: 0,
  samples: [{ reason: 'schema-mismatch', at: '2026-05-01T11:57:00.000Z', count: 4, paths: ['/status'] }],
  top_paths: [{ path: '/status', type: 'integer', count: 12 }],
  kept_requests: 12,
};

const WEBHOOK = { id: 'wh_01hchart', slug: 'ehr-chart-updated', name: 'EHR chart updated' };

const api = useFakeApi();

const env = () => ({ HASP_API_URL: api.url, HASP_API_TOKEN: 'hasp_unit_token_0123456789abcdef', NO_COLOR: '1' });
const hasp = (...args: string[]) => main(['node', 'hasp', ...args], env());
const page = (data: unknown[]) => ({ status: 200, body: { data, has_more: false, next_cursor: null } });

describe('how an issue reads', () => {
  it('shows the cause in words, the counts and times, the failing paths, the samples and what to run next', () => {
    const out = captured('stdout');
    printIssue(ISSUE, WEBHOOK, NOW);
    const text = out.text();
    expect(text.split('\n')[0]).toBe('Payloads refused on ehr-chart-updated');
    expect(text).toContain(ISSUE.summary);
    expect(text).toContain('Count          12 refused requests');
    expect(text).toContain('Last seen      2026-05-01T11:57:00.000Z (3 min ago)');
    expect(text).toContain('Acknowledged   —');
    expect(text).toContain('Kept requests  12');
    expect(text).toMatch(/PATH\s+TYPE SENT\s+REFUSALS\n\/status\s+integer\s+12/);
    expect(text).toMatch(/2026-05-01T11:57:00\.000Z\s+schema-mismatch\s+4\s+\/status/);
    expect(text).toContain(`Next: hasp issues ack ${ISSUE.id}  |  hasp issues resolve ${ISSUE.id}  |  hasp issues ignore ${ISSUE.id}`);
  });

  it('names a silent sender’s count in quiet hours, and offers no acknowledge once it is acknowledged', () => {
    const out = captured('stdout');
    printIssue({ ...ISSUE, cause: 'silence', state: 'acknowledged', acknowledged_at: '2026-05-01T11:50:00.000Z', count: 2, samples: [], top_paths: [], kept_requests: null }, null, NOW);
    expect(out.text()).toContain('Sender gone silent on wh_01hchart');
    expect(out.text()).toContain('2 quiet hours');
    expect(out.text()).not.toContain('Kept requests');
    expect(out.text()).not.toContain('hasp issues ack');
  });

  it('lists rows with the webhook by slug when known', () => {
    expect(issueRows([ISSUE], new Map([[WEBHOOK.id, WEBHOOK.slug]]), NOW)[0]).toEqual([ISSUE.id, 'ehr-chart-updated', 'Payloads refused', 'open', '12', '2026-05-01T11:57:00.000Z (3 min ago)']);
    expect(issueRows([ISSUE], new Map(), NOW)[0]?.[1]).toBe('wh_01hchart');
  });

  it('builds the list query from the filters it was given only', () => {
    expect(issuesQuery({})).toBe('/v1/issues');
    expect(issuesQuery({ webhookId: 'wh_1', state: 'open', cause: 'content' })).toBe('/v1/issues?webhook_id=wh_1&cause=content&state=open');
  });
});

describe('hasp issues against the control API', () => {
  it('lists the open then the acknowledged issues by default, with the webhooks by slug', async () => {
    const out = captured('stdout');
    const acked = { ...ISSUE, id: 'iss_02acked', state: 'acknowledged', cause: 'authentication' };
    api.answers.push(page([ISSUE]), page([acked]), page([WEBHOOK]));
    expect(await hasp('issues', 'list')).toBe(0);
    expect(api.asked.map((a) => a.url)).toEqual(['/v1/issues?state=open&limit=100', '/v1/issues?state=acknowledged&limit=100', '/v1/webhooks?limit=100']);
    const lines = out.text().split('\n');
    expect(lines[0]).toMatch(/^ID\s+WEBHOOK\s+CAUSE\s+STATE\s+COUNT\s+LAST SEEN$/);
    expect(lines[1]).toMatch(/^iss_01h\S+\s+ehr-chart-updated\s+Payloads refused\s+open\s+12/);
    expect(lines[2]).toMatch(/^iss_02acked\s+ehr-chart-updated\s+Failing authentication\s+acknowledged/);
  });

  it('resolves --webhook by slug and passes every filter to the API, printing JSON with --json', async () => {
    const out = captured('stdout');
    api.answers.push(page([WEBHOOK]), page([ISSUE]));
    expect(await hasp('issues', 'list', '--webhook', 'ehr-chart-updated', '--state', 'all', '--cause', 'content', '--json')).toBe(0);
    expect(api.asked[1]?.url).toBe('/v1/issues?webhook_id=wh_01hchart&cause=content&limit=100');
    expect(JSON.parse(out.text())).toEqual([ISSUE]);
  });

  it('says so when nothing is open', async () => {
    const out = captured('stdout');
    api.answers.push(page([]), page([]));
    expect(await hasp('issues', 'list')).toBe(0);
    expect(out.text()).toContain('No open issues. Every sender is being answered as expected.');
  });

  it('refuses a state or cause it does not know as a usage error, before any request', async () => {
    captured('stdout');
    const err = captured('stderr');
    expect(await hasp('issues', 'list', '--state', 'closed')).toBe(2);
    expect(err.text()).toContain("Allowed choices are open, acknowledged, resolved, ignored, all");
    expect(await hasp('issues', 'list', '--cause', 'timeout')).toBe(2);
    expect(api.asked).toEqual([]);
  });

  it('shows one issue with its webhook by slug', async () => {
    const out = captured('stdout');
    api.answers.push({ status: 200, body: ISSUE }, { status: 200, body: WEBHOOK });
    expect(await hasp('issues', 'show', ISSUE.id)).toBe(0);
    expect(api.asked.map((a) => a.url)).toEqual([`/v1/issues/${ISSUE.id}`, '/v1/webhooks/wh_01hchart']);
    expect(out.text()).toContain('Payloads refused on ehr-chart-updated');
  });

  it('acknowledges, resolves and ignores with a PATCH of the state', async () => {
    const out = captured('stdout');
    for (const [verb, state] of [['ack', 'acknowledged'], ['resolve', 'resolved'], ['ignore', 'ignored']] as const) {
      api.answers.push({ status: 200, body: { ...ISSUE, state } });
      expect(await hasp('issues', verb, ISSUE.id), verb).toBe(0);
      expect(api.asked.at(-1)).toMatchObject({ method: 'PATCH', url: `/v1/issues/${ISSUE.id}`, body: JSON.stringify({ state }) });
    }
    expect(out.text()).toContain(`✓ Acknowledged ${ISSUE.id}: Payloads refused, 12 so far.`);
    expect(out.text()).toContain(`✓ Ignored ${ISSUE.id}`);
  });

  it('says why a change was refused and how to see where the issue stands; names an unknown issue', async () => {
    captured('stdout');
    const err = captured('stderr');
    api.answers.push({ status: 409, body: { code: 'conflict', status: 409, detail: 'Only an open issue can be acknowledged; this one is resolved.' } });
    expect(await hasp('issues', 'ack', ISSUE.id)).toBe(1);
    expect(err.text()).toContain('Error: Only an open issue can be acknowledged; this one is resolved.');
    expect(err.text()).toContain(`hasp issues show ${ISSUE.id}`);
    api.answers.push({ status: 404, body: { code: 'not-found', status: 404, detail: 'No issue with this id in your project.' } });
    expect(await hasp('issues', 'show', 'iss_nope')).toBe(1);
    expect(err.text()).toContain('No issue iss_nope in this project.');
    expect(err.text()).toContain('hasp issues list --state all');
  });

  it('gives each command --json, a description and --help', async () => {
    const group = buildProgram({}).commands.find((c) => c.name() === 'issues');
    expect(group?.commands.map((c) => c.name()).sort()).toEqual(['ack', 'ignore', 'list', 'resolve', 'show']);
    for (const command of group?.commands ?? []) {
      expect(command.options.some((o) => o.long === '--json'), command.name()).toBe(true);
      expect(command.description().length, command.name()).toBeGreaterThan(10);
    }
    const out = captured('stdout');
    for (const command of [[], ['list'], ['show'], ['ack'], ['resolve'], ['ignore']]) {
      expect(await hasp('issues', ...command, '--help'), command.join(' ')).toBe(0);
      expect(out.text()).toContain(`Usage: hasp issues${command.length > 0 ? ` ${command[0]}` : ''}`);
    }
  });
});
