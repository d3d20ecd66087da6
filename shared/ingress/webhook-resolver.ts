/**
 * Host + slug → compiled webhook, from the isolate cache. Two levels: a host resolves to its org's
 * directory (so an unknown slug is answered from memory), and (org, slug) to the compiled webhook.
 * Keys always carry the org id: one tenant's config can never be served for another.
 */
import type { Db } from '../db/client';
import { classifyHost, type HostSettings, type HostTarget } from './host';
import { TtlCache, type Background } from './ttl-cache';
import { loadOrgDirectory, loadWebhookRuntime, type OrgDirectory, type WebhookRuntime } from './webhook-config';

const MAX_HOSTS = 10_000;
const MAX_WEBHOOKS = 10_000;

export interface ResolverContext {
  /** Built only on a cache miss: a drizzle client costs tens of µs, the warm path needs none. */
  db: () => Db;
  masterKey: () => Promise<CryptoKey>;
  now: number;
  /** How long a loaded config is served before a background refresh (CONFIG_TTL_SECONDS). */
  ttlMs: number;
  background: Background;
}

export class WebhookResolver {
  private readonly hosts = new TtlCache<OrgDirectory | null>(MAX_HOSTS);
  private readonly webhooks = new TtlCache<WebhookRuntime | null>(MAX_WEBHOOKS);

  /** The webhook a request addresses, or null for an unknown host or slug (both answer 404). */
  async resolve(host: string | null, slug: string, settings: HostSettings, ctx: ResolverContext): Promise<WebhookRuntime | null> {
    const target = classifyHost(host, settings);
    if (target.kind !== 'org' && target.kind !== 'custom') return null;
    const key = hostKey(target);
    const load = () => loadOrgDirectory(ctx.db(), target);
    let org = await this.hosts.get(key, ctx.now, ctx.ttlMs, load, ctx.background);
    // A miss from a stale directory is checked again before it becomes a 404, so a new webhook
    // answers within the TTL while a flood of unknown slugs still costs one read per TTL.
    if (org === null || !org.slugs.has(slug)) org = await this.hosts.getFresh(key, ctx.now, ctx.ttlMs, load);
    if (org === null || !org.slugs.has(slug)) return null;
    const directory = org;
    return this.webhooks.get(
      `${directory.orgId}\n${slug}`,
      ctx.now,
      ctx.ttlMs,
      async () => loadWebhookRuntime(ctx.db(), await ctx.masterKey(), directory, slug),
      ctx.background,
    );
  }

  /** Forgets an org's cached hosts and webhooks: the control API calls this after each write. */
  invalidateOrg(orgId: string, orgSlug: string): void {
    this.webhooks.invalidate(`${orgId}\n`);
    this.hosts.invalidate(`org:${orgSlug}`);
    this.hosts.invalidate('custom:');
  }
}

function hostKey(target: Extract<HostTarget, { kind: 'org' | 'custom' }>): string {
  return target.kind === 'org' ? `org:${target.orgSlug}` : `custom:${target.hostname}`;
}
