/**
 * `hasp domains` without a dev server: how a hostname reads (its state in words, Cloudflare's
 * reasons, when it was checked, the DNS records as a table to copy), and what each refusal tells
 * the user to do next. The answers the dev server cannot produce on demand (another org's claim
 * with its takeover record, Cloudflare unavailable) come from a small local server that answers as
 * the control API does. The commands against a real `npm run dev` are in domains-dev.test.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram, main } from '../../cli/main';
import { printDomain, when, type DomainView } from '../../cli/commands/domains-text';
import { captured, startFakeApi, type FakeApi } from './helpers/cli-process';


const NOW = Date.parse('2026-05-01T12:00:00.000Z');

const PENDING: DomainView = {
  hostname: 'api.acme-health.com',
  status: 'pending_dns',
  status_text: 'Waiting for DNS: create the records below at your DNS provider. HASP checks again by itself.',
  reasons: ['custom hostname does not CNAME to this zone.'],
  records: [
    { type: 'CNAME', name: 'api.acme-health.com', value: 'customers.usehasp.run', purpose: 'routing' },
    { type: 'TXT', name: '_cf-custom-hostname.api.acme-health.com', value: '5cc0e4d1-7f1c-4b0e-9b3e-2c3e4f5a6b7c', purpose: 'ownership' },
    { type: 'TXT', name: '_acme-challenge.api.acme-health.com', value: 'ca3-0123456789abcdef', purpose: 'certificate' },
  ],
  checked_at: '2026-05-01T11:57:00.000Z',
  next_check_at: '2026-05-01T12:01:00.000Z',
  activated_at: null,
  expires_at: '2026-05-08T11:57:00.000Z',
  created_at: '2026-05-01T11:57:00.000Z',
};

/** Answers each request with the next canned answer, and remembers what it was asked. */
let api: FakeApi;
let answers: FakeApi['answers'];
let asked: FakeApi['asked'];

beforeAll(async () => {
  api = await startFakeApi();
  ({ answers, asked } = api);
});

afterAll(async () => {
  await api.close();
});

afterEach(() => {
  vi.restoreAllMocks();
  answers.splice(0);
  asked.splice(0);
});

const env = () => ({ HASP_API_URL: api.url, HASP_API_TOKEN: 'hasp_unit_token_0123456789abcdef', NO_COLOR: '1' });
const hasp = (...args: string[]) => main(['node', 'hasp', ...args], env());

describe('how a hostname reads', () => {
  it('shows the state in words, the reasons, when it was checked, and the records as a table to copy', () => {
    const out = captured('stdout');
    printDomain(PENDING, NOW);
    const lines = out.text().split('\n');
    expect(lines[0]).toBe('api.acme-health.com');
    expect(lines[1]).toBe(PENDING.status_text);
    expect(out.text()).toContain('Reason        custom hostname does not CNAME to this zone.');
    expect(out.text()).toContain('Last checked  2026-05-01T11:57:00.000Z (3 min ago)');
    expect(out.text()).toContain('Next check    2026-05-01T12:01:00.000Z (in 1 min)');
    const header = lines.findIndex((l) => l.startsWith('TYPE'));
    expect(lines.slice(header, header + 4)).toEqual([
      'TYPE   NAME                                     VALUE                                 PURPOSE',
      'CNAME  api.acme-health.com                      customers.usehasp.run                 routing',
      'TXT    _cf-custom-hostname.api.acme-health.com  5cc0e4d1-7f1c-4b0e-9b3e-2c3e4f5a6b7c  ownership',
      'TXT    _acme-challenge.api.acme-health.com      ca3-0123456789abcdef                  certificate',
    ]);
  });

  it('says when an active hostname became active, and shows no claim lapsing', () => {
    const out = captured('stdout');
    printDomain({ ...PENDING, status: 'active', status_text: 'Active: webhooks are served at https://api.acme-health.com/webhooks/…', reasons: [], records: PENDING.records.slice(0, 1), activated_at: '2026-05-01T10:00:00.000Z', expires_at: null }, NOW);
    expect(out.text()).toContain('Active since  2026-05-01T10:00:00.000Z (2 h ago)');
    expect(out.text()).not.toContain('Claim lapses');
    expect(out.text()).not.toContain('Reason');
  });

  it('writes times with how long ago or until, and a dash for a time that has not happened', () => {
    expect(when(null, NOW)).toBe('—');
    expect(when('2026-05-01T12:00:00.000Z', NOW)).toBe('2026-05-01T12:00:00.000Z (just now)');
    expect(when('2026-04-29T12:00:00.000Z', NOW)).toBe('2026-04-29T12:00:00.000Z (2 d ago)');
    expect(when('2026-05-01T12:00:30.000Z', NOW)).toBe('2026-05-01T12:00:30.000Z (in 30 s)');
  });
});

describe('hasp domains against the control API', () => {
  it('adds a hostname with a POST of its name and prints its records', async () => {
    const out = captured('stdout');
    answers.push({ status: 201, body: PENDING });
    expect(await hasp('domains', 'add', 'api.acme-health.com')).toBe(0);
    expect(asked[0]).toMatchObject({ method: 'POST', url: '/v1/domains', body: JSON.stringify({ hostname: 'api.acme-health.com' }) });
    expect(out.text()).toContain('Added api.acme-health.com');
    expect(out.text()).toContain('_cf-custom-hostname.api.acme-health.com');
    expect(out.text()).toContain('hasp domains check api.acme-health.com');
  });

  it('prints the takeover record to publish when another org holds a claim that is not active', async () => {
    captured('stdout');
    const err = captured('stderr');
    const takeover = { type: 'TXT', name: '_hasp-challenge.api.acme-health.com', value: 'hasp-verify=0123456789abcdef0123456789abcdef01234567' };
    answers.push({
      status: 409,
      body: { code: 'conflict', status: 409, detail: 'api.acme-health.com is claimed by another org but not active; the claim lapses at 2026-05-08T11:57:00.000Z.', errors: [{ path: '/hostname', message: 'api.acme-health.com is claimed by another org' }], takeover, claim_expires_at: '2026-05-08T11:57:00.000Z' },
    });
    expect(await hasp('domains', 'add', 'api.acme-health.com')).toBe(1);
    expect(err.text()).toContain('Error: api.acme-health.com is claimed by another org but not active');
    expect(err.text()).toContain('/hostname  api.acme-health.com is claimed by another org');
    expect(err.text()).toContain('  type   TXT\n  name   _hasp-challenge.api.acme-health.com\n  value  hasp-verify=0123456789abcdef0123456789abcdef01234567');
    expect(err.text()).toContain('then run `hasp domains add api.acme-health.com` again');
    expect(err.text()).toContain('the other claim lapses at 2026-05-08T11:57:00.000Z');
  });

  it('keeps the takeover record in the problem printed with --json', async () => {
    const out = captured('stdout');
    captured('stderr');
    const takeover = { type: 'TXT', name: '_hasp-challenge.x.example-health.com', value: 'hasp-verify=ab' };
    answers.push({ status: 409, body: { code: 'conflict', status: 409, detail: 'claimed', takeover, claim_expires_at: null } });
    expect(await hasp('domains', 'add', 'x.example-health.com', '--json')).toBe(1);
    expect((JSON.parse(out.text()) as { error: { problem: { takeover: unknown } } }).error.problem.takeover).toEqual(takeover);
  });

  it('says when to retry when Cloudflare is unavailable, and that retrying is safe', async () => {
    captured('stdout');
    const err = captured('stderr');
    answers.push({ status: 503, headers: { 'retry-after': '30' }, body: { code: 'cloudflare-unavailable', status: 503, detail: "Cloudflare's API did not answer; nothing was changed. Retry in 30 seconds." } });
    expect(await hasp('domains', 'check', 'api.acme-health.com')).toBe(1);
    expect(asked[0]).toMatchObject({ method: 'POST', url: '/v1/domains/api.acme-health.com/verify' });
    expect(err.text()).toContain('Retry in 30 seconds.');
    expect(err.text()).toContain('Run the same command again then');
  });

  it('names the hostname it did not find and where to look', async () => {
    captured('stdout');
    const err = captured('stderr');
    answers.push({ status: 404, body: { code: 'not-found', status: 404, detail: 'No custom hostname with this name in your project.' } });
    expect(await hasp('domains', 'show', 'API.Acme-Health.com')).toBe(1);
    expect(asked[0]).toMatchObject({ method: 'GET', url: '/v1/domains/api.acme-health.com' });
    expect(err.text()).toContain('No custom hostname API.Acme-Health.com in this project.');
    expect(err.text()).toContain('hasp domains list');
  });

  it('lists hostnames as the API answers them, and with --json prints them as an array', async () => {
    const out = captured('stdout');
    answers.push({ status: 200, body: { data: [PENDING] } }, { status: 200, body: { data: [PENDING] } });
    expect(await hasp('domains', 'list')).toBe(0);
    expect(out.text()).toMatch(/^HOSTNAME\s+STATUS\s+LAST CHECKED\s+STATE\napi\.acme-health\.com\s+pending_dns\s+2026-05-01T11:57:00\.000Z \(.+\)\s+Waiting for DNS/);
    const before = out.text().length;
    expect(await hasp('domains', 'list', '--json')).toBe(0);
    expect(JSON.parse(out.text().slice(before))).toEqual([PENDING]);
  });

  it('refuses to remove without --yes when it cannot ask, and sends nothing', async () => {
    captured('stdout');
    const err = captured('stderr');
    expect(await hasp('domains', 'remove', 'api.acme-health.com')).toBe(1);
    expect(err.text()).toContain('Pass --yes');
    expect(asked).toEqual([]);
    answers.push({ status: 204 });
    expect(await hasp('domains', 'remove', 'api.acme-health.com', '--yes')).toBe(0);
    expect(asked[0]).toMatchObject({ method: 'DELETE', url: '/v1/domains/api.acme-health.com' });
  });

  it('gives each command --json and a description', () => {
    const group = buildProgram({}).commands.find((c) => c.name() === 'domains');
    expect(group?.commands.map((c) => c.name()).sort()).toEqual(['add', 'check', 'list', 'remove', 'show']);
    for (const command of group?.commands ?? []) {
      expect(command.options.some((o) => o.long === '--json'), command.name()).toBe(true);
      expect(command.description().length, command.name()).toBeGreaterThan(10);
    }
  });

  it('has --help on the group and on each command', async () => {
    const out = captured('stdout');
    for (const command of [[], ['add'], ['list'], ['show'], ['check'], ['remove']]) {
      expect(await hasp('domains', ...command, '--help'), command.join(' ')).toBe(0);
      expect(out.text()).toContain(`Usage: hasp domains${command.length > 0 ? ` ${command[0]}` : ''}`);
    }
  });
});
