/**
 * How a custom hostname activates, as DNS and the certificate authority would move it, with reads
 * as the clock: each read (a GET by id, a list by id or exact hostname) is one check, and a check
 * counts only while the hostname's DNS points here. With FAKE_CHECKS_TO_ACTIVE = N, the last reads
 * before the N-th walk the final stages, so any N ≥ 2 shows the step before active:
 *
 *   pending                 status pending, ssl pending_validation, verification_errors present
 *   verifying_certificate   status active,  ssl pending_validation (ownership proven by the CNAME)
 *   deploying_certificate   status active,  ssl pending_deployment (validation records cleared)
 *   active                  status active,  ssl active
 *
 * N = 2: created → deploying_certificate → active. N = 3 adds verifying_certificate first. A
 * hostname whose DNS is missing shows pending until it is active; a forced state (a control) wins
 * over all of this.
 */
import type { CustomHostname } from 'cloudflare/resources/custom-hostnames/custom-hostnames';
import type { CertificateStatus, HostnameRecord } from './hostname-record';

export type Stage = 'pending' | 'verifying_certificate' | 'deploying_certificate' | 'active';

const STAGES: readonly Stage[] = ['pending', 'verifying_certificate', 'deploying_certificate', 'active'];

const CERTIFICATE_STATUS: Record<Stage, CertificateStatus> = {
  pending: 'pending_validation',
  verifying_certificate: 'pending_validation',
  deploying_certificate: 'pending_deployment',
  active: 'active',
};

/** The error Cloudflare reports while the hostname's CNAME does not reach the zone (its troubleshooting docs). */
export const NOT_CNAMED = 'custom hostname does not CNAME to this zone.';

/** The stage `checks` successful checks reach when `checksToActive` make a hostname active. */
export function stageAfter(checks: number, checksToActive: number): Stage {
  if (checks >= checksToActive) return 'active';
  if (checks === 0) return 'pending';
  const fromEnd = checksToActive - checks;
  return STAGES[Math.max(0, STAGES.length - 1 - fromEnd)] ?? 'pending';
}

/** The stage a record shows: missing DNS holds it at pending until it is active. */
export function stageOf(record: HostnameRecord, checksToActive: number): Stage {
  const stage = stageAfter(record.checks, checksToActive);
  return record.dns === 'missing' && stage !== 'active' ? 'pending' : stage;
}

/** The hostname as the API shows it now. */
export function describeHostname(record: HostnameRecord, checksToActive: number): CustomHostname {
  const stage = stageOf(record, checksToActive);
  const forced = record.forced ?? {};
  const { hostname, request, tokens } = record;
  const ownershipProven = stage !== 'pending';
  const validating = stage === 'pending' || stage === 'verifying_certificate';
  const verificationErrors = forced.verification_errors ?? (ownershipProven ? undefined : [NOT_CNAMED]);
  return {
    id: record.id,
    hostname,
    created_at: record.created_at,
    ...(request.custom_metadata && { custom_metadata: request.custom_metadata }),
    ...(request.custom_origin_server !== undefined && { custom_origin_server: request.custom_origin_server }),
    ...(request.custom_origin_sni !== undefined && { custom_origin_sni: request.custom_origin_sni }),
    status: forced.status ?? (ownershipProven ? 'active' : 'pending'),
    ...(verificationErrors && { verification_errors: verificationErrors }),
    ownership_verification: { type: 'txt', name: `_cf-custom-hostname.${hostname}`, value: tokens.ownership },
    ownership_verification_http: {
      http_url: `http://${hostname}/.well-known/cf-custom-hostname-challenge/${record.id}`,
      http_body: tokens.ownership_http,
    },
    ssl: {
      id: tokens.ssl_id,
      type: request.ssl.type,
      method: request.ssl.method,
      status: forced.ssl_status ?? CERTIFICATE_STATUS[stage],
      ...(validating && { validation_records: [validationRecord(record)] }),
      ...(forced.validation_errors && { validation_errors: forced.validation_errors.map((message) => ({ message })) }),
      settings: request.ssl.settings,
      bundle_method: request.ssl.bundle_method,
      certificate_authority: request.ssl.certificate_authority,
      wildcard: request.ssl.wildcard,
    },
  };
}

type ValidationRecord = NonNullable<NonNullable<CustomHostname['ssl']>['validation_records']>[number];

/** The record the certificate authority checks, in the form the validation method asks for. */
function validationRecord({ hostname, request, tokens }: HostnameRecord): ValidationRecord {
  switch (request.ssl.method) {
    case 'txt':
      return { status: 'pending', txt_name: `_acme-challenge.${hostname}`, txt_value: tokens.dcv };
    case 'http':
      return { status: 'pending', http_url: `http://${hostname}/.well-known/acme-challenge/${tokens.dcv}`, http_body: tokens.dcv };
    case 'email': {
      const domain = hostname.split('.').slice(-2).join('.');
      return { status: 'pending', emails: ['administrator', 'webmaster', 'hostmaster', 'postmaster', 'admin'].map((box) => `${box}@${domain}`) };
    }
  }
}
