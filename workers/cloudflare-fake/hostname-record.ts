/**
 * A custom hostname as the fake keeps it: what the customer asked for, what Cloudflare generated,
 * how far its checks have gone and what a control forced. The API's view of it is derived on each
 * read (./lifecycle.ts), so a change of FAKE_CHECKS_TO_ACTIVE needs no migration.
 */
import type { BundleMethod, CustomHostname, DCVMethod } from 'cloudflare/resources/custom-hostnames/custom-hostnames';
import type { CertificateCA } from 'cloudflare/resources/shared';

/** What the world's DNS answers for a hostname: its CNAME to this zone is in place, or not. */
export type DnsAnswer = 'points_here' | 'missing';
export type HostnameStatus = NonNullable<CustomHostname['status']>;
export type CertificateStatus = NonNullable<NonNullable<CustomHostname['ssl']>['status']>;
export type SslSettings = CustomHostname.SSL.Settings;

/** What the customer asked for: set at create, changed by an edit. */
export interface HostnameRequest {
  custom_metadata?: Record<string, string>;
  custom_origin_server?: string;
  custom_origin_sni?: string;
  ssl: {
    method: DCVMethod;
    type: 'dv';
    settings: SslSettings;
    bundle_method: BundleMethod;
    certificate_authority: CertificateCA;
    wildcard: boolean;
  };
}

/** Ids and tokens Cloudflare hands out at create; they never change. */
export interface HostnameTokens {
  ssl_id: string;
  /** The `_cf-custom-hostname` TXT value. */
  ownership: string;
  /** The body served at the ownership HTTP URL. */
  ownership_http: string;
  /** The ACME challenge token of the certificate's validation record. */
  dcv: string;
}

/** A state a control forced: each field present replaces the derived one until an edit restarts validation. */
export interface ForcedState {
  status?: HostnameStatus;
  ssl_status?: CertificateStatus;
  verification_errors?: string[];
  validation_errors?: string[];
}

export interface HostnameRecord {
  id: string;
  hostname: string;
  created_at: string;
  request: HostnameRequest;
  tokens: HostnameTokens;
  /** Reads that found the hostname's DNS pointing here (./lifecycle.ts). */
  checks: number;
  dns: DnsAnswer;
  forced: ForcedState | null;
}
