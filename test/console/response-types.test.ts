/**
 * The shapes the console, `hasp` and the tests import from shared/control/responses.ts are the ones
 * the routes return. Checked by the compiler (`npm run typecheck`, `npm run lint`): a field a view
 * drops, renames or retypes fails here, before any client reads it wrong. `webhookView` is typed by
 * its shape directly, so it needs no line here.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { eventView } from '../../shared/control/events-routes';
import { keptRequestView } from '../../shared/control/rejections-routes';
import { replayJobView } from '../../shared/control/replays-routes';
import type { EventView, KeptRequestView, ReplayJobView, WebhookView } from '../../shared/control/responses';
import { webhookView } from '../../shared/control/webhook-view';

describe('the control API shapes its clients import', () => {
  it('Should be what webhookView returns', () => {
    expectTypeOf(webhookView).returns.toEqualTypeOf<WebhookView>();
  });

  it('Should be what eventView returns, for events and the feed', () => {
    expectTypeOf(eventView).returns.toExtend<EventView>();
  });

  it('Should be what keptRequestView returns, for kept refused requests', () => {
    expectTypeOf(keptRequestView).returns.toExtend<KeptRequestView>();
  });

  it('Should be what replayJobView returns, for bulk replay jobs', () => {
    expectTypeOf(replayJobView).returns.toExtend<ReplayJobView>();
  });
});
