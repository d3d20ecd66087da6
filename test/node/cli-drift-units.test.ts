/**
 * `hasp webhooks drift` without a dev server: a proposal reads as its changes, its evidence and the
 * workflows it would break; --apply and --dismiss call the API's routes, a breaking apply says what
 * to do next, and a malformed id is a usage error before any request. Answers come from a local
 * server answering as the control API does.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import type { SchemaProposalView } from '../../shared/health/proposals';
import { captured, useFakeApi } from './helpers/cli-process';

const WEBHOOK = { id: 'wh_chart', slug: 'ehr-chart-updated', name: 'EHR chart updated' };

const PROPOSAL: SchemaProposalView = {
  id: 'prp_0123abcd',
  webhook_id: WEBHOOK.id,
  state: 'open',
  base_schema_hash: 'ab12',
  schema: { type: 'object' },
  diff: [
    { op: 'widen-type', path: '/event', from: ['string'], to: ['string', 'integer'] },
    { op: 'add-property', path: '/priority', to: { type: 'string' } },
  ],
  evidence: [
    { source: 'refused', path: '/event', type: 'integer', count: 12, share: 1, first_seen_at: '2026-05-01T10:00:00.000Z', last_seen_at: '2026-05-01T10:40:00.000Z' },
    { source: 'accepted', path: '/priority', type: 'string', count: 30, share: 0.3, first_seen_at: '2026-05-01T09:00:00.000Z', last_seen_at: '2026-05-01T10:50:00.000Z' },
  ],
  window: { hours: 24, events_seen: 100, events_summarised: 100, refusals: 12 },
  breaks: [{ id: 'wf_sync', name: 'Chart sync', unmet: [{ field: 'event', reason: 'not equivalent (at /event: input expects string, payload has string or integer)' }] }],
  created_at: '2026-05-01T10:00:00.000Z',
  updated_at: '2026-05-01T10:50:00.000Z',
  closed_at: null,
};

const api = useFakeApi();

const hasp = (...args: string[]) => main(['node', 'hasp', ...args], { HASP_API_URL: api.url, HASP_API_TOKEN: 'hasp_unit_token_0123456789abcdef', NO_COLOR: '1' });

describe('hasp webhooks drift', () => {
  it('lists the open proposals with their changes, evidence and the workflows they would break', async () => {
    const out = captured('stdout');
    api.answers.push({ status: 200, body: WEBHOOK }, { status: 200, body: { data: [PROPOSAL], has_more: false, next_cursor: null } });
    expect(await hasp('webhooks', 'drift', 'wh_chart')).toBe(0);
    expect(api.asked.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /v1/webhooks/wh_chart', 'GET /v1/webhooks/wh_chart/schema-proposals?limit=100']);
    const text = out.text();
    expect(text).toContain('prp_0123abcd  open');
    expect(text).toMatch(/~\s+\/event\s+accept string or integer \(was string\)/);
    expect(text).toMatch(/\+\s+\/priority\s+add optional property: string/);
    expect(text).toMatch(/\/priority\s+string\s+accepted events\s+30\s+30%/);
    expect(text).toMatch(/\/event\s+integer\s+refusals\s+12\s+100%/);
    expect(text).toContain('Would break 1 workflow(s):');
    expect(text).toContain('wf_sync  Chart sync');
    expect(text).toContain('hasp webhooks drift ehr-chart-updated --apply prp_0123abcd');
  });

  it('says when nothing is proposed, and lists every state with --all', async () => {
    const out = captured('stdout');
    api.answers.push({ status: 200, body: WEBHOOK }, { status: 200, body: { data: [], has_more: false, next_cursor: null } });
    expect(await hasp('webhooks', 'drift', 'wh_chart', '--all')).toBe(0);
    expect(api.asked[1]?.url).toBe('/v1/webhooks/wh_chart/schema-proposals?state=all&limit=100');
    expect(out.text()).toContain('No schema proposals for ehr-chart-updated');
  });

  it('prints the API’s JSON with --json', async () => {
    const out = captured('stdout');
    api.answers.push({ status: 200, body: WEBHOOK }, { status: 200, body: { data: [PROPOSAL], has_more: false, next_cursor: null } });
    expect(await hasp('webhooks', 'drift', 'wh_chart', '--json')).toBe(0);
    expect(JSON.parse(out.text())).toEqual([PROPOSAL]);
  });

  it('applies a proposal through POST …/apply', async () => {
    const out = captured('stdout');
    api.answers.push({ status: 200, body: WEBHOOK }, { status: 200, body: { proposal: { ...PROPOSAL, state: 'applied', breaks: [] }, webhook: WEBHOOK } });
    expect(await hasp('webhooks', 'drift', 'wh_chart', '--apply', 'prp_0123abcd')).toBe(0);
    expect(api.asked[1]).toMatchObject({ method: 'POST', url: '/v1/webhooks/wh_chart/schema-proposals/prp_0123abcd/apply' });
    expect(out.text()).toContain('Applied prp_0123abcd to ehr-chart-updated');
  });

  it('says what to do when applying would break a workflow, with each failing field', async () => {
    captured('stdout');
    const err = captured('stderr');
    api.answers.push(
      { status: 200, body: WEBHOOK },
      {
        status: 409,
        body: {
          code: 'conflict',
          status: 409,
          detail: 'This schema change would break 1 dependent workflow(s): Chart sync (wf_sync). Change or detach their triggers first.',
          workflows: PROPOSAL.breaks,
          errors: [{ path: '/schema', message: 'workflow wf_sync: event: not equivalent' }],
        },
      },
    );
    expect(await hasp('webhooks', 'drift', 'wh_chart', '--apply', 'prp_0123abcd')).toBe(1);
    expect(err.text()).toContain('would break 1 dependent workflow(s)');
    expect(err.text()).toContain('/schema  workflow wf_sync: event: not equivalent');
    expect(err.text()).toContain('or dismiss the proposal with --dismiss');
  });

  it('dismisses a proposal through POST …/dismiss', async () => {
    const out = captured('stdout');
    api.answers.push({ status: 200, body: WEBHOOK }, { status: 200, body: { ...PROPOSAL, state: 'dismissed', breaks: [] } });
    expect(await hasp('webhooks', 'drift', 'wh_chart', '--dismiss', 'prp_0123abcd')).toBe(0);
    expect(api.asked[1]).toMatchObject({ method: 'POST', url: '/v1/webhooks/wh_chart/schema-proposals/prp_0123abcd/dismiss' });
    expect(out.text()).toContain('will not be proposed again');
  });

  it('refuses a malformed id, or --apply with --dismiss, as a usage error before any request', async () => {
    const err = captured('stderr');
    expect(await hasp('webhooks', 'drift', 'wh_chart', '--apply', 'wf_nope')).toBe(2);
    expect(err.text()).toContain('not a schema proposal id (prp_…)');
    expect(await hasp('webhooks', 'drift', 'wh_chart', '--apply', 'prp_a', '--dismiss', 'prp_b')).toBe(2);
    expect(api.asked).toEqual([]);
  });
});
