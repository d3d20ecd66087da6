/**
 * What announcing and delivering read and write of a project's channels in D1. Every read is scoped
 * by project as well as id: a message naming another project's channel finds nothing.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { notificationChannels, webhooks } from '../db/schema';
import type { ChannelRow } from './channel-view';

/** Ids of the project's enabled channels, oldest first. Failing channels are still sent to: a delivery is how one recovers. */
export async function enabledChannelIds(db: Db, projectId: string): Promise<string[]> {
  const rows = await db
    .select({ id: notificationChannels.id })
    .from(notificationChannels)
    .where(and(eq(notificationChannels.projectId, projectId), eq(notificationChannels.enabled, true)))
    .orderBy(asc(notificationChannels.createdAt), asc(notificationChannels.id))
    .all();
  return rows.map((r) => r.id);
}

export async function findChannel(db: Db, projectId: string, id: string): Promise<ChannelRow | null> {
  const row = await db
    .select()
    .from(notificationChannels)
    .where(and(eq(notificationChannels.id, id), eq(notificationChannels.projectId, projectId)))
    .get();
  return row ?? null;
}

/** A webhook's name and slug, for messages a person reads; null when it is gone. */
export async function webhookLabel(db: Db, projectId: string, webhookId: string): Promise<{ name: string; slug: string } | null> {
  const row = await db
    .select({ name: webhooks.name, slug: webhooks.slug })
    .from(webhooks)
    .where(and(eq(webhooks.id, webhookId), eq(webhooks.projectId, projectId)))
    .get();
  return row ?? null;
}

/** A delivery went through: the channel is active again, its failure count back to 0. */
export async function recordDelivered(db: Db, id: string, at: string): Promise<void> {
  await db.update(notificationChannels).set({ state: 'active', consecutiveFailures: 0, lastSuccessAt: at }).where(eq(notificationChannels.id, id));
}

/**
 * A delivery failed; `failing` when it was the notification's last attempt. `failure` is the
 * service's own sentence (./deliver.ts), never anything the receiver sent but its status code.
 */
export async function recordFailure(db: Db, id: string, failure: string, at: string, failing: boolean): Promise<void> {
  await db
    .update(notificationChannels)
    .set({
      consecutiveFailures: sql`${notificationChannels.consecutiveFailures} + 1`,
      lastFailure: failure,
      lastFailureAt: at,
      ...(failing ? { state: 'failing' as const } : {}),
    })
    .where(eq(notificationChannels.id, id));
}
