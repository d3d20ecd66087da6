/**
 * `/v1/notification-channels`: where the project's sender-health issues are announced
 * (shared/notify). A `webhook` channel posts Standard Webhooks signed JSON to its URL; its signing
 * secret is shown once, in the answer that made it (create, rotate-secret). A `slack` channel posts
 * to a Slack incoming-webhook URL, which is itself a credential: sealed at once, shown only as
 * `url_hint`. URLs are checked by shared/notify/channel-url.ts (400 naming `/url`). Every lookup
 * is scoped to the caller's project: another project's channel answers 404 like an absent one.
 */
import { count, eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { createFactory } from 'hono/factory';
import * as v from 'valibot';
import { notificationChannels } from '../db/schema';
import { ProblemError } from '../http/problem';
import { randomId } from '../ids';
import { parseStoredSecrets } from '../secrets/stored-secret';
import { recordDelivered, recordFailure } from '../notify/channel-store';
import { newSigningSecret, sealSigningSecret, sealUrl, urlHint } from '../notify/channel-secrets';
import { CHANNEL_KINDS, MAX_URL_LENGTH, checkChannelUrl, urlPolicy, urlRefusalMessage, type ChannelKind } from '../notify/channel-url';
import { channelView, type ChannelRow } from '../notify/channel-view';
import { deliverNotification, failureText } from '../notify/deliver';
import { consoleOrigin } from '../notify/slack';
import { EXAMPLE_WEBHOOK, testNotice } from '../notify/test-notice';
import { clockOf, pathParam, type ControlDeps, type ControlEnv } from './context';
import { findOwned, ownedBy, pageOwned, type ListedKind } from './owned';
import { PAGE_PARAMS, pageBody } from './pagination';
import { ControlRoutes } from './route-doc';
import { invalidRequest, jsonBody, queryParams } from './validation';
import { NameSchema } from './webhook-requests';
import { OverlapSecondsSchema } from './webhook-requests';
import { DEFAULT_OVERLAP_SECONDS, rotateSecrets, secretView } from './webhook-secrets';

/** Enough for a team's channels several times over; bounds what one issue fans out to. */
export const MAX_CHANNELS_PER_PROJECT = 20;

export const NOTIFICATION_CHANNEL = {
  table: notificationChannels,
  key: notificationChannels.id,
  project: notificationChannels.projectId,
  createdAt: notificationChannels.createdAt,
  missing: 'No notification channel with this id in your project.',
} satisfies ListedKind<typeof notificationChannels>;

const UrlSchema = v.pipe(v.string('url must be a string'), v.maxLength(MAX_URL_LENGTH, `url must be at most ${MAX_URL_LENGTH} characters`));
const EnabledSchema = v.boolean('enabled must be true or false');

export const CreateChannelBody = v.strictObject({
  kind: v.picklist(CHANNEL_KINDS, 'kind must be "webhook" or "slack"'),
  url: UrlSchema,
  name: v.optional(NameSchema),
  enabled: v.optional(EnabledSchema),
});

export const PatchChannelBody = v.strictObject({
  name: v.optional(NameSchema),
  url: v.optional(UrlSchema),
  enabled: v.optional(EnabledSchema),
});

export const RotateChannelSecretBody = v.strictObject({
  overlap_seconds: v.optional(OverlapSecondsSchema),
});

export const ListChannelsQuery = v.strictObject(PAGE_PARAMS);

const factory = createFactory<ControlEnv>();
type ChannelContext = Context<ControlEnv>;

/** The URL as a channel of `kind` may use it here, or the 400 naming `/url`. */
function checkedUrl(c: ChannelContext, kind: ChannelKind, input: string): URL {
  const policy = urlPolicy(c.env);
  const checked = checkChannelUrl(kind, input, policy);
  if (!checked.ok) throw invalidRequest([{ path: '/url', message: urlRefusalMessage(kind, checked, policy) }]);
  return checked.url;
}

/** The URL columns of a channel of `kind`: a Slack URL sealed and hinted, a webhook's as it is. */
async function urlColumns(c: ChannelContext, kind: ChannelKind, id: string, url: URL): Promise<Pick<ChannelRow, 'url' | 'sealedUrl' | 'urlHint'>> {
  if (kind === 'webhook') return { url: url.href, sealedUrl: null, urlHint: null };
  return { url: null, sealedUrl: await sealUrl(await c.var.dataKey(), id, url.href), urlHint: urlHint(url) };
}

function stamp(now: number): string {
  return new Date(now).toISOString();
}

function createChannel(deps: ControlDeps) {
  return factory.createHandlers(jsonBody(CreateChannelBody), async (c) => {
    const body = c.req.valid('json');
    const { db, caller } = c.var;
    const url = checkedUrl(c, body.kind, body.url);
    const held = await db.select({ n: count() }).from(notificationChannels).where(eq(notificationChannels.projectId, caller.projectId)).get();
    if ((held?.n ?? 0) >= MAX_CHANNELS_PER_PROJECT) {
      throw new ProblemError('conflict', `A project has at most ${MAX_CHANNELS_PER_PROJECT} notification channels; delete one it no longer needs first.`);
    }
    const now = clockOf(deps)();
    const id = randomId('nch');
    // The plaintext secret lives only until this response is sent.
    const secret = body.kind === 'webhook' ? newSigningSecret() : null;
    const secrets = secret === null ? [] : [await sealSigningSecret(await c.var.dataKey(), id, secret, now)];
    const row = await db
      .insert(notificationChannels)
      .values({
        id,
        projectId: caller.projectId,
        kind: body.kind,
        name: body.name ?? (body.kind === 'slack' ? 'Slack' : url.host),
        ...(await urlColumns(c, body.kind, id, url)),
        secrets: JSON.stringify(secrets),
        enabled: body.enabled ?? true,
        createdAt: stamp(now),
        updatedAt: stamp(now),
      })
      .returning()
      .get();
    return c.json({ ...channelView(row, now), ...(secret === null ? {} : { secret }) }, 201);
  });
}

function listChannels(deps: ControlDeps) {
  return factory.createHandlers(queryParams(ListChannelsQuery), async (c) => {
    const page = await pageOwned(c.var.db, c.var.caller, NOTIFICATION_CHANNEL, c.req.valid('query'), (r) => ({ at: r.createdAt, id: r.id }));
    const now = clockOf(deps)();
    return c.json(pageBody(page, (r) => channelView(r, now)));
  });
}

function getChannel(deps: ControlDeps) {
  return factory.createHandlers(async (c) => {
    const row = await findOwned(c.var.db, c.var.caller, NOTIFICATION_CHANNEL, pathParam(c, 'id'));
    return c.json(channelView(row, clockOf(deps)()));
  });
}

function patchChannel(deps: ControlDeps) {
  return factory.createHandlers(jsonBody(PatchChannelBody), async (c) => {
    const body = c.req.valid('json');
    const { db, caller } = c.var;
    const row = await findOwned(db, caller, NOTIFICATION_CHANNEL, pathParam(c, 'id'));
    const url = body.url === undefined ? undefined : checkedUrl(c, row.kind, body.url);
    const now = clockOf(deps)();
    // A new URL is a new receiver: the old one's failures say nothing about it.
    const fresh = url === undefined ? {} : { ...(await urlColumns(c, row.kind, row.id, url)), state: 'active' as const, consecutiveFailures: 0, lastFailure: null, lastFailureAt: null };
    const updated = await db
      .update(notificationChannels)
      .set({ name: body.name, enabled: body.enabled, ...fresh, updatedAt: stamp(now) })
      .where(ownedBy(NOTIFICATION_CHANNEL, caller, row.id))
      .returning()
      .get();
    if (updated === undefined) throw new ProblemError('not-found', NOTIFICATION_CHANNEL.missing);
    return c.json(channelView(updated, now));
  });
}

function deleteChannel() {
  return factory.createHandlers(async (c) => {
    const { db, caller } = c.var;
    const row = await findOwned(db, caller, NOTIFICATION_CHANNEL, pathParam(c, 'id'));
    // Notifications already queued for it find no channel and are dropped (shared/notify/consumer.ts).
    await db.delete(notificationChannels).where(ownedBy(NOTIFICATION_CHANNEL, caller, row.id));
    return c.body(null, 204);
  });
}

function rotateChannelSecret(deps: ControlDeps) {
  return factory.createHandlers(jsonBody(RotateChannelSecretBody), async (c) => {
    const body = c.req.valid('json');
    const { db, caller } = c.var;
    const row = await findOwned(db, caller, NOTIFICATION_CHANNEL, pathParam(c, 'id'));
    if (row.kind !== 'webhook') {
      throw new ProblemError('conflict', 'A Slack channel has no signing secret: its URL is its credential. To replace it, create a new incoming webhook in Slack and PATCH the channel with its url.');
    }
    const now = clockOf(deps)();
    const overlap = body.overlap_seconds ?? DEFAULT_OVERLAP_SECONDS;
    const secret = newSigningSecret();
    const next = await sealSigningSecret(await c.var.dataKey(), row.id, secret, now);
    const secrets = rotateSecrets(parseStoredSecrets(row.secrets), next, now, overlap);
    await db
      .update(notificationChannels)
      .set({ secrets: JSON.stringify(secrets), updatedAt: stamp(now) })
      .where(ownedBy(NOTIFICATION_CHANNEL, caller, row.id));
    return c.json({
      id: row.id,
      secret_id: next.id,
      secret,
      overlap_seconds: overlap,
      previous_secrets_expire_at: overlap > 0 && secrets.length > 1 ? stamp(now + overlap * 1000) : null,
      secrets: secrets.map(secretView),
    });
  });
}

function testChannel(deps: ControlDeps) {
  return factory.createHandlers(async (c) => {
    const { db, caller } = c.var;
    const row = await findOwned(db, caller, NOTIFICATION_CHANNEL, pathParam(c, 'id'));
    const now = clockOf(deps)();
    const notice = testNotice(caller.projectId, now);
    const outcome = await deliverNotification(row, notice, {
      dataKey: c.var.dataKey,
      now,
      consoleOrigin: consoleOrigin(c.env),
      webhook: async () => EXAMPLE_WEBHOOK,
      policy: urlPolicy(c.env),
      fetch: (input, init) => fetch(input, init),
      test: true,
    });
    // A test is a delivery like any other: one that goes through shows the channel works again.
    if (outcome.delivered) await recordDelivered(db, row.id, stamp(now));
    else await recordFailure(db, row.id, failureText(outcome.failure), stamp(now), false);
    return c.json({
      notification_id: notice.id,
      delivered: outcome.delivered,
      status: outcome.delivered ? outcome.status : 'status' in outcome.failure ? outcome.failure.status : null,
      failure: outcome.delivered ? null : failureText(outcome.failure),
    });
  });
}

export function notificationChannelsRoutes(deps: ControlDeps): ControlRoutes {
  return new ControlRoutes()
    .route(
      { method: 'post', path: '/v1/notification-channels', summary: 'Add a notification channel: an outbound webhook signed with Standard Webhooks (its signing secret is shown only in this response), or a Slack incoming webhook', body: CreateChannelBody, responses: { 201: 'The channel, with `secret` (whsec_…) for a webhook channel', 400: 'Invalid fields: a kind other than webhook or slack, a URL that is not https or not public, a Slack URL that is not Slack’s', 409: `The project has ${MAX_CHANNELS_PER_PROJECT} channels already`, 415: 'Body is not JSON' }, audit: { action: 'notification_channel.create', resource: { created: 'id' } } },
      ...createChannel(deps),
    )
    .route(
      { method: 'get', path: '/v1/notification-channels', summary: 'List the project’s notification channels, newest first, with their delivery state', query: ListChannelsQuery, responses: { 200: '`{ data, has_more, next_cursor }`', 400: 'Invalid query' } },
      ...listChannels(deps),
    )
    .route(
      { method: 'get', path: '/v1/notification-channels/:id', summary: 'Get a notification channel: its URL (a Slack URL only as `url_hint`), state, failures and last delivery', responses: { 200: 'The channel', 404: 'No such channel in this project' } },
      ...getChannel(deps),
    )
    .route(
      { method: 'patch', path: '/v1/notification-channels/:id', summary: 'Change a channel’s name, url or enabled; a new url starts with a clean delivery record', body: PatchChannelBody, responses: { 200: 'The channel', 400: 'Invalid fields', 404: 'No such channel in this project' }, audit: { action: 'notification_channel.update', resource: { param: 'id' } } },
      ...patchChannel(deps),
    )
    .route(
      { method: 'delete', path: '/v1/notification-channels/:id', summary: 'Delete a notification channel; notifications queued for it are dropped', responses: { 204: 'Deleted', 404: 'No such channel in this project' }, audit: { action: 'notification_channel.delete', resource: { param: 'id' } } },
      ...deleteChannel(),
    )
    .route(
      { method: 'post', path: '/v1/notification-channels/:id/rotate-secret', summary: 'A new signing secret for a webhook channel, shown once; the old ones keep signing beside it for overlap_seconds (default 86400)', body: RotateChannelSecretBody, responses: { 200: 'The new secret and when the old ones stop signing', 400: 'Invalid fields', 404: 'No such channel in this project', 409: 'A Slack channel has no signing secret' }, audit: { action: 'notification_channel.secret.rotate', resource: { param: 'id' } } },
      ...rotateChannelSecret(deps),
    )
    .route(
      { method: 'post', path: '/v1/notification-channels/:id/test', summary: 'Send a test notification now (marked as a test) and say whether it was delivered: the receiver’s status code, never its body', responses: { 200: '`{ notification_id, delivered, status, failure }`', 404: 'No such channel in this project' }, audit: { action: 'notification_channel.test', resource: { param: 'id' } } },
      ...testChannel(deps),
    );
}
