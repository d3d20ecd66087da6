/**
 * The domain API's refusals with the next step spelled out: the takeover record to publish when
 * another org's claim is not active, when to retry when Cloudflare is unavailable, where to look
 * when a hostname is not in this project. The problem body is kept, so `--json` still prints it.
 */
import { CliError, type ProblemBody } from '../errors';

export interface TakeoverRecord {
  type: string;
  name: string;
  value: string;
}

function takeoverOf(problem: ProblemBody): TakeoverRecord | null {
  const t = problem.takeover;
  if (typeof t !== 'object' || t === null) return null;
  const { type, name, value } = t as Record<string, unknown>;
  return typeof type === 'string' && typeof name === 'string' && typeof value === 'string' ? { type, name, value } : null;
}

/** The record as lines a person copies field by field into a DNS provider's form. */
export function takeoverHint(hostname: string, record: TakeoverRecord, claimExpiresAt: string | null): string {
  return [
    'If your org controls this DNS name, publish this record at your DNS provider:',
    `  type   ${record.type}`,
    `  name   ${record.name}`,
    `  value  ${record.value}`,
    `then run \`hasp domains add ${hostname}\` again to take the hostname over.`,
    claimExpiresAt === null ? 'Without it, the other claim lapses at its next check.' : `Without it, the other claim lapses at ${claimExpiresAt}; the hostname can then be added as usual.`,
  ].join('\n');
}

/** `err` as the CLI reports it for a request about `hostname`; anything but an API refusal is returned as it is. */
export function domainFailure(err: unknown, hostname: string): unknown {
  if (!(err instanceof CliError) || err.problem === null) return err;
  const problem = err.problem;
  switch (problem.status) {
    case 400:
      return new CliError(`"${hostname}" cannot be a custom hostname.`, null, problem);
    case 404:
      return new CliError(`No custom hostname ${hostname} in this project.`, 'List them with `hasp domains list`.', problem);
    case 409: {
      const record = takeoverOf(problem);
      if (record === null) return err;
      const expires = typeof problem.claim_expires_at === 'string' ? problem.claim_expires_at : null;
      return new CliError(err.message, takeoverHint(hostname, record, expires), problem);
    }
    case 503:
      // The detail names the wait (the answer's Retry-After); nothing was changed at Cloudflare or here.
      return problem.code === 'cloudflare-unavailable' ? new CliError(err.message, 'Run the same command again then: repeating it is safe, nothing is created twice.', problem) : err;
    default:
      return err;
  }
}

/** Runs `call`, reporting a refusal about `hostname` with its next step. */
export async function aboutDomain<T>(hostname: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw domainFailure(err, hostname);
  }
}
