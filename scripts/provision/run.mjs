/**
 * Provisions one environment of the wrangler config in the account wrangler is logged in to:
 * lists what exists, creates what the config binds and is missing (the D1 database, R2 buckets,
 * every queue and dead-letter queue), writes the ids wrangler needs back into the config, applies
 * the D1 migrations, and checks the Worker's secrets without reading or printing a value.
 *
 * Idempotent: each step first looks, then acts only on what is missing, so a second run creates
 * nothing and says so. A dry run runs only wrangler's listing commands; one that fails (no
 * credentials) leaves that resource unchecked, planned as missing, and the plan is still printed.
 * A real run stops at the first command that fails, with wrangler's reason.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { listBuckets, listD1, listQueues, listSecrets, listUnappliedMigrations } from './account.mjs';
import { namespaceIdsIn, setTableValue } from './config-file.mjs';
import { chooseNamespaceIds } from './rate-limit-ids.mjs';
import { Report } from './report.mjs';
import { isPlaceholder, readTargets, requiredSecrets, zoneIdOf } from './targets.mjs';
import { failureReason } from './wrangler.mjs';

/** A reason to stop before doing anything more: a failed command, or a config that contradicts the account. */
class Stop extends Error {}

/**
 * @param {{
 *   configPath: string;
 *   env: string;
 *   dryRun: boolean;
 *   wrangler: import('./wrangler.mjs').Wrangler;
 *   out?: (line: string) => void;
 * }} options
 * @returns {Promise<number>} the exit code: 0, or 1 when something failed or is left to the operator
 */
export async function provision({ configPath, env, dryRun, wrangler, out = console.log }) {
  const report = new Report(out, dryRun);
  let targets;
  try {
    targets = readTargets(configPath, env);
  } catch (error) {
    out(`✗ ${configPath}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const file = path.relative(process.cwd(), configPath) || configPath;
  out(`Provisioning ${targets.workerName} from ${file} [env.${env}]${dryRun ? ' (dry run: nothing is changed)' : ''}`);
  out('');
  // Every command names the config and environment, so an account_id set there is the one used.
  const ctx = { targets, configPath, file, env, dryRun, wrangler, report, scope: ['--config', configPath, '--env', env], reasons: new Set() };
  // Nothing provision does changes the secrets, so they are listed with the rest, at once.
  const secretsListed = listSecrets(wrangler, ctx.scope);
  try {
    const [d1, buckets, queues] = await Promise.all([listD1(wrangler, ctx.scope), listBuckets(wrangler, ctx.scope), listQueues(wrangler, ctx.scope)]);
    checkListed(ctx, [
      ['D1 databases', d1],
      ['R2 buckets', buckets],
      ['queues', queues],
    ]);
    const databases = [];
    for (const db of targets.d1) databases.push(await provisionDatabase(ctx, db, d1));
    for (const name of targets.buckets) await ensure(ctx, buckets, name, `R2 bucket ${name}`, ['r2', 'bucket', 'create', name]);
    for (const name of targets.queues) await ensure(ctx, queues, name, `queue ${name}`, ['queues', 'create', name]);
    provisionRateLimits(ctx);
    for (const database of databases) await applyMigrations(ctx, database);
    noteDurableObjects(ctx);
    const secrets = checkSecrets(ctx, await secretsListed);
    noteCustomDomains(ctx, secrets);
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    out(`✗ ${error.message}`);
    out('');
    out(dryRun ? 'Dry run stopped; nothing was changed.' : 'Stopped. What is done above stays done; run again once this is fixed.');
    return 1;
  }
  return report.finish();
}

/** A dry run plans around a listing that failed; a real run cannot act without it. */
function checkListed(ctx, listings) {
  const failed = listings.filter(([, listing]) => !listing.known);
  const [first] = failed;
  if (first === undefined) return;
  if (!ctx.dryRun) {
    throw new Stop(
      `Could not list ${first[0]}: ${first[1].reason}. Log wrangler in (npx wrangler login, or CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID in the environment: the token wrangler deploys with, not the Worker's secret of that name) and run again.`,
    );
  }
  for (const [what, listing] of failed) ctx.report.unknown(`could not list ${what} (${reasonOnce(ctx, listing.reason)}): each is planned as missing`);
}

/** A reason in full the first time; wrangler says the same thing for every listing without credentials. */
function reasonOnce(ctx, reason) {
  if (ctx.reasons.has(reason)) return 'as above';
  ctx.reasons.add(reason);
  return reason;
}

/** Creates `name` unless the listing shows it. */
async function ensure(ctx, listing, name, what, args) {
  if (listing.known && listing.value.has(name)) {
    ctx.report.ok(`${what} exists`);
    return;
  }
  await create(ctx, what, args);
}

async function create(ctx, what, args) {
  if (ctx.dryRun) {
    ctx.report.create(`would create ${what} (${shown(ctx, args)})`);
    return;
  }
  await mutate(ctx, args, `create ${what}`);
  ctx.report.create(`created ${what}`);
}

/** Runs a command that changes the account; its failure stops the run. */
async function mutate(ctx, args, what) {
  const result = await ctx.wrangler([...args, ...ctx.scope]);
  if (!result.ok) throw new Stop(`Could not ${what}: ${shown(ctx, args)} failed: ${failureReason(result)}`);
  return result;
}

/**
 * The D1 database: found by name, or created; its id written to the config when it holds a
 * placeholder. An id in the config that the account contradicts stops the run before any change.
 * @returns {Promise<{ name: string; migrationsDir: string; idInConfig: boolean }>}
 */
async function provisionDatabase(ctx, db, listing) {
  const { report } = ctx;
  const configured = isPlaceholder(db.id) ? null : String(db.id);
  const found = listing.known ? (listing.value.get(db.name) ?? null) : undefined;
  const base = { name: db.name, migrationsDir: db.migrationsDir };
  if (configured !== null) {
    if (found === null) {
      throw new Stop(
        `${ctx.file} sets database_id = "${configured}" for D1 database ${db.name}, but the account has no database of that name. Correct the id, or set it back to "replace-with-production-d1-id" to create the database.`,
      );
    }
    if (found !== undefined && found !== configured) {
      throw new Stop(`${ctx.file} sets database_id = "${configured}" for D1 database ${db.name}, but the account's ${db.name} is ${found}. Correct one of them.`);
    }
    if (found === undefined) report.unknown(`D1 database ${db.name}: not checked; ${ctx.file} names ${configured}`);
    else report.ok(`D1 database ${db.name} exists (${configured})`);
    return { ...base, idInConfig: true };
  }

  let id = found ?? null;
  if (id !== null) report.ok(`D1 database ${db.name} exists (${id})`);
  else if (ctx.dryRun) report.create(`would create D1 database ${db.name} (${shown(ctx, ['d1', 'create', db.name])})`);
  else {
    await mutate(ctx, ['d1', 'create', db.name], `create D1 database ${db.name}`);
    // Its id, as the account lists it: one format to read, whatever create prints around it.
    const after = await listD1(ctx.wrangler, ctx.scope);
    id = after.known ? (after.value.get(db.name) ?? null) : null;
    if (id === null) throw new Stop(`Created D1 database ${db.name}, but wrangler d1 list does not show it: ${after.known ? 'not listed' : after.reason}. Run again.`);
    report.create(`created D1 database ${db.name} (${id})`);
  }
  return { ...base, idInConfig: writeDatabaseId(ctx, db, id) };
}

/** Writes the id over the placeholder; true once the config holds it. */
function writeDatabaseId(ctx, db, id) {
  const table = `[[env.${ctx.env}.d1_databases]]`;
  if (ctx.dryRun) {
    ctx.report.write(`would write ${db.name}'s database_id to ${table} in ${ctx.file}`);
    return false;
  }
  if (setTableValue(ctx.configPath, `env.${ctx.env}.d1_databases`, { key: 'database_name', value: db.name }, 'database_id', id)) {
    ctx.report.write(`wrote database_id = "${id}" to ${table} ${db.name} in ${ctx.file}`);
    return true;
  }
  ctx.report.missing(`could not find ${table} with database_name = "${db.name}" in ${ctx.file} to write its id`, `paste database_id = "${id}" into ${table} ${db.name} of ${ctx.file}, then run provision again (it applies the D1 migrations)`);
  return false;
}

/**
 * Rate limits need nothing created (./rate-limit-ids.mjs): each placeholder namespace_id gets an
 * integer of the Worker's block.
 */
function provisionRateLimits(ctx) {
  const { targets, report } = ctx;
  const pending = targets.rateLimits.filter((r) => isPlaceholder(r.namespaceId));
  if (targets.rateLimits.length === 0) return;
  if (pending.length === 0) {
    report.ok(`rate limits: all ${targets.rateLimits.length} namespace ids set (wrangler creates nothing for them)`);
    return;
  }
  const ids = chooseNamespaceIds(targets.workerName, pending.map((r) => r.name), namespaceIdsIn(ctx.configPath));
  const table = `[[env.${ctx.env}.ratelimits]]`;
  for (const [name, id] of ids) {
    if (ctx.dryRun) report.write(`would set namespace_id = "${id}" for rate limit ${name}`);
    else if (setTableValue(ctx.configPath, `env.${ctx.env}.ratelimits`, { key: 'name', value: name }, 'namespace_id', id)) report.write(`set namespace_id = "${id}" for rate limit ${name}`);
    else report.missing(`could not find ${table} ${name} in ${ctx.file}`, `paste namespace_id = "${id}" into ${table} ${name} of ${ctx.file}`);
  }
}

async function applyMigrations(ctx, database) {
  const { report } = ctx;
  const files = migrationFiles(database.migrationsDir);
  if (files.length === 0) return;
  const dir = path.relative(process.cwd(), database.migrationsDir) || database.migrationsDir;
  const apply = ['d1', 'migrations', 'apply', database.name, '--remote'];
  if (!database.idInConfig) {
    // The database is still to be created or its id to be written: every migration is to apply.
    if (ctx.dryRun) report.apply(files.length, `would apply the ${files.length} D1 migrations of ${dir} to ${database.name} (${shown(ctx, apply)})`);
    return;
  }
  const unapplied = await listUnappliedMigrations(ctx.wrangler, database.name, ctx.scope);
  if (!unapplied.known) {
    if (!ctx.dryRun) throw new Stop(`Could not list the D1 migrations of ${database.name}: ${unapplied.reason}`);
    report.unknown(`D1 migrations of ${database.name}: not checked (${reasonOnce(ctx, unapplied.reason)}); would apply those of ${dir}'s ${files.length} not yet applied`);
    return;
  }
  const count = unapplied.value.length;
  if (count === 0) {
    report.ok(`D1 migrations: all ${files.length} of ${dir} applied to ${database.name}`);
    return;
  }
  if (ctx.dryRun) {
    report.apply(count, `would apply ${count} D1 migrations to ${database.name}: ${unapplied.value.join(', ')} (${shown(ctx, apply)})`);
    return;
  }
  await mutate(ctx, apply, `apply the D1 migrations to ${database.name}`);
  report.apply(count, `applied ${count} D1 migrations to ${database.name}: ${unapplied.value.join(', ')}`);
}

function noteDurableObjects(ctx) {
  const { classes, migrationTags } = ctx.targets.durableObjects;
  if (classes.length === 0) return;
  ctx.report.note(`Durable Objects ${classes.join(', ')}: their migrations (${migrationTags.join(', ') || 'none'}) are applied by the deploy itself (npm run deploy), not here`);
}

/** How to set each secret without it landing in a file or the shell's history. */
function howToSet(name, env) {
  switch (name) {
    case 'MASTER_KEY':
      return `openssl rand -base64 32 | npx wrangler secret put MASTER_KEY --env ${env}   (README, "Deploy to your Cloudflare account": never over a key already in use)`;
    case 'CLOUDFLARE_API_TOKEN':
      return `npx wrangler secret put CLOUDFLARE_API_TOKEN --env ${env}, pasting at its prompt a token with Zone › SSL and Certificates › Edit on the SaaS zone`;
    default:
      return `npx wrangler secret put ${name} --env ${env}`;
  }
}

/**
 * Names only: `wrangler secret list` never returns a value, and nothing here asks for one.
 * @returns {Set<string> | null} the secrets set, or null when they could not be listed
 */
function checkSecrets(ctx, listing) {
  const { report, env } = ctx;
  const required = requiredSecrets(ctx.targets);
  if (!listing.known) {
    if (!ctx.dryRun) throw new Stop(`Could not list the secrets of ${ctx.targets.workerName}: ${listing.reason}`);
    report.unknown(`secrets ${required.join(', ')}: not checked (${reasonOnce(ctx, listing.reason)}); each must be set before the deploy`);
    for (const name of required) report.note(`to set ${name}: ${howToSet(name, env)}`);
    return null;
  }
  const { names, workerExists } = listing.value;
  for (const name of required) {
    if (names.has(name)) report.ok(`secret ${name} is set`);
    else report.missing(`secret ${name} is not set`, `set ${name}: ${howToSet(name, env)}`);
  }
  if (!workerExists) report.note(`the Worker ${ctx.targets.workerName} does not exist yet: \`wrangler secret put\` creates it, the deploy fills it`);
  return names;
}

/** SAAS_ZONE_ID is the operator's own zone: provision can only say what to set. */
function noteCustomDomains(ctx, secrets) {
  const zone = zoneIdOf(ctx.targets);
  const table = `[env.${ctx.env}.vars]`;
  const domain = String(ctx.targets.vars.RUNTIME_DOMAIN ?? 'the runtime domain');
  switch (zone.state) {
    case 'set':
      ctx.report.ok(`custom domains: SAAS_ZONE_ID = "${zone.value}"`);
      return;
    case 'off':
      ctx.report.note(`custom domains are off: SAAS_ZONE_ID in ${table} is empty`);
      return;
    case 'placeholder': {
      const setZone = `set SAAS_ZONE_ID in ${table} of ${ctx.file} to the ${domain} zone's id (dashboard: the zone's Overview, "Zone ID"; Cloudflare for SaaS enabled on it)`;
      if (secrets?.has('CLOUDFLARE_API_TOKEN')) ctx.report.missing(`CLOUDFLARE_API_TOKEN is set but SAAS_ZONE_ID is still "${zone.value}"`, `${setZone}, or to "" to leave custom domains off`);
      else ctx.report.note(`custom domains stay off while SAAS_ZONE_ID is "${zone.value}": to offer them, ${setZone} and set the CLOUDFLARE_API_TOKEN secret`);
      return;
    }
  }
}

function migrationFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .sort();
}

/** The command as the operator would type it (provision also passes --config, for its account_id). */
function shown(ctx, args) {
  const config = ctx.file === 'wrangler.toml' ? '' : ` --config ${ctx.file}`;
  return `wrangler ${args.join(' ')} --env ${ctx.env}${config}`;
}
