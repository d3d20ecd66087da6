/**
 * The webhook resource view (`/webhooks/:id`): which path runs which module. The page is loaded by
 * ./load.ts and drawn by ./page.tsx; each action is in ./actions/, named for what the person does.
 * Every read and write goes through the console's in-process API client, so each rule is the
 * API's own: the page adds no check the API lacks and skips none it has.
 */
import { Hono } from 'hono';
import type { ConsoleEnv } from '../../context';
import { expungeEventPayload, showEvent, showEventPayload } from '../event-view/actions';
import { action } from './action';
import { changeSchema, offerSchemaFix } from './actions/change-schema';
import { deleteWebhook } from './actions/delete-webhook';
import { replayEvent } from './actions/replay-event';
import { replayRejection } from './actions/replay-rejection';
import { rotateSecret } from './actions/rotate-secret';
import { saveControls } from './actions/save-controls';
import { applySchemaProposal, dismissSchemaProposal } from './actions/schema-proposals';
import { sendTestEvent } from './actions/send-test-event';
import { setEnabled } from './actions/set-enabled';
import { viewPage } from './respond';
import { secretPage } from './secret-page';

export const webhookViewRoutes = new Hono<ConsoleEnv>()
  .get('/', action(viewPage))
  .get('/secret/:ticket', action(secretPage))
  .post('/rotate-secret', action(rotateSecret))
  .post('/enabled', action(setEnabled))
  .post('/controls', action(saveControls))
  .post('/schema', action(changeSchema))
  .get('/schema/fix', action(offerSchemaFix))
  .post('/test-event', action(sendTestEvent))
  .get('/events/:eventId', action(showEvent))
  .post('/events/:eventId/payload', action(showEventPayload))
  .post('/events/:eventId/expunge', action(expungeEventPayload))
  .post('/events/:eventId/replay', action(replayEvent))
  .post('/rejections/:requestId/replay', action(replayRejection))
  .post('/proposals/:proposalId/apply', action(applySchemaProposal))
  .post('/proposals/:proposalId/dismiss', action(dismissSchemaProposal))
  .post('/delete', action(deleteWebhook));
