/**
 * What an issue announces: one notice when it opens, when it re-opens and when it resolves (by the
 * clock or by a person), none when a person acknowledges or ignores it, each with an id numbered by
 * its transition; a notice the queue refused stays in the outbox and goes on the next try.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { LogSql } from '../../shared/eventlog/storage';
import * as issues from '../../shared/health/issues-store';
import { thresholdsOf } from '../../shared/health/thresholds';
import type { IssueNotice, RefusalObservation } from '../../shared/health/types';

const MINUTE = 60_000;
const PROJECT = 'prj_notices';

function refusals(count: number, at: number): RefusalObservation {
  const stamp = new Date(at).toISOString();
  return { webhookId: 'wh_notices', reason: 'bad-signature', count, firstAt: stamp, lastAt: stamp, paths: [] };
}

/** The issue rules on a health object's own storage, announcing into `notices` (or failing while `down`). */
async function withRules(run: (deps: issues.IssuesDeps, notices: IssueNotice[], queue: { down: boolean }) => Promise<void>): Promise<void> {
  const stub = env.SENDER_HEALTH.get(env.SENDER_HEALTH.idFromName(`${PROJECT}-${crypto.randomUUID()}`));
  await runInDurableObject(stub, async (_instance, state) => {
    const notices: IssueNotice[] = [];
    const queue = { down: false };
    const deps: issues.IssuesDeps = {
      sql: new LogSql(state.storage.sql),
      storage: state.storage,
      projectId: PROJECT,
      thresholds: async () => thresholdsOf(null),
      announce: async (notice) => {
        if (queue.down) throw new Error('queue unavailable');
        notices.push(notice);
      },
    };
    await run(deps, notices, queue);
  });
}

describe('issue notices', () => {
  it('announces opened, resolved and reopened once each, numbered by transition, and nothing for acknowledge or ignore', async () => {
    await withRules(async (deps, notices) => {
      const t0 = Date.now();
      await issues.observeRefusals(deps, [refusals(12, t0)], t0);
      await issues.observeRefusals(deps, [refusals(30, t0 + MINUTE)], t0 + MINUTE);
      expect(notices.map((n) => n.transition)).toEqual(['opened']);
      const id = notices[0]?.issue.id ?? '';

      await issues.setState(deps, id, 'acknowledged', t0 + 2 * MINUTE);
      await issues.tick(deps, t0 + 32 * MINUTE);
      await issues.observeRefusals(deps, [refusals(15, t0 + 40 * MINUTE)], t0 + 40 * MINUTE);
      await issues.setState(deps, id, 'resolved', t0 + 41 * MINUTE);
      await issues.setState(deps, id, 'ignored', t0 + 42 * MINUTE);
      await issues.observeRefusals(deps, [refusals(50, t0 + 90 * MINUTE)], t0 + 90 * MINUTE);

      expect(notices.map((n) => [n.transition, n.id])).toEqual([
        ['opened', `ntf_${id.slice(4)}_1`],
        ['resolved', `ntf_${id.slice(4)}_2`],
        ['reopened', `ntf_${id.slice(4)}_3`],
        ['resolved', `ntf_${id.slice(4)}_4`],
      ]);
      expect(notices.every((n) => n.projectId === PROJECT && n.issue.cause === 'authentication')).toBe(true);
      expect(notices[2]?.issue).toMatchObject({ state: 'open', reopenCount: 1 });
    });
  });

  it('keeps a notice the queue refused and hands it over on the next try, once', async () => {
    await withRules(async (deps, notices, queue) => {
      const t0 = Date.now();
      queue.down = true;
      await issues.observeRefusals(deps, [refusals(12, t0)], t0);
      expect(notices).toEqual([]);
      expect(await issues.flushOutbox(deps)).toBe(false);

      queue.down = false;
      expect(await issues.flushOutbox(deps)).toBe(true);
      expect(await issues.flushOutbox(deps)).toBe(true);
      expect(notices.map((n) => n.transition)).toEqual(['opened']);
    });
  });
});
