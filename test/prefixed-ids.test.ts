/**
 * Prefixed ids keep their kind across function boundaries. The `@ts-expect-error` lines are the
 * test that matters: `npm run typecheck` fails when one of them compiles, that is, when an id of
 * one kind passes for another (or two ids are passed in the wrong order).
 */
import { describe, expect, it } from 'vitest';
import { asPrefixedId, eventIdFor, eventIdForDelivery, isPrefixedId, randomId, runIdFor } from '../shared/ids';

describe('prefixed ids', () => {
  it('does not compile a run id from an event id and a workflow id passed swapped', async () => {
    const eventId = randomId('evt');
    const workflowId = randomId('wf');
    const runId = await runIdFor(eventId, workflowId);
    expect(runId).toMatch(/^run_[0-9a-z]{26}$/);

    // @ts-expect-error the workflow id where the event id goes, and the other way round
    const swapped = await runIdFor(workflowId, eventId);
    // At run time the swap would quietly give another run id: only the type check stops it.
    expect(swapped).not.toBe(runId);
  });

  it('does not compile an event id derived from a plain string or another kind of id', async () => {
    const webhookId = randomId('wh');
    const fromText: string = webhookId;
    expect(await eventIdForDelivery(webhookId, 'msg_1')).toBe(await eventIdForDelivery(webhookId, 'msg_1'));
    // @ts-expect-error text of unknown kind is not a webhook id
    await eventIdForDelivery(fromText, 'msg_1');
    // @ts-expect-error a project's id is not a webhook's
    await eventIdFor(randomId('prj'), null);
  });

  it('derives the event id from the delivery id when there is one, and draws one when there is none', async () => {
    const webhookId = randomId('wh');
    expect(await eventIdFor(webhookId, 'msg_1')).toBe(await eventIdForDelivery(webhookId, 'msg_1'));
    const drawn = [await eventIdFor(webhookId, null), await eventIdFor(webhookId, null)];
    expect(drawn[0]).toMatch(/^evt_/);
    expect(drawn[0]).not.toBe(drawn[1]);
  });

  it('reads an id back from text as its kind, and refuses text of another kind', () => {
    const text: string = randomId('wf');
    expect(isPrefixedId('wf', text)).toBe(true);
    expect(isPrefixedId('wh', text)).toBe(false);
    const workflowId = asPrefixedId('wf', text);
    expect(workflowId).toBe(text);
    expect(() => asPrefixedId('evt', text)).toThrow(/evt_/);
  });
});
