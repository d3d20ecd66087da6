/**
 * The boundary between the ingress and every sender-authentication scheme.
 *
 * Trust-boundary code: a scheme sees the raw bytes and headers of one request and the webhook's
 * active secrets, and answers with a tagged result. It never parses the body before the signature
 * holds, never throws for a bad credential, and never puts a secret into a result.
 */

/** One request as the sender sent it; `url` is the public URL the sender called. */
export interface InboundRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: Uint8Array;
}

/** A secret as the ingress holds it in memory: plaintext only inside this isolate. */
export interface ActiveSecret {
  value: string;
  /** Epoch ms after which the secret no longer verifies (a rotated-out secret); null: no end. */
  expiresAt: number | null;
}

/** Why authentication failed. Each reason maps to one 401 problem type; keep this list closed. */
export type AuthFailure =
  | { ok: false; reason: 'missing-credential'; detail: string }
  | { ok: false; reason: 'bad-signature'; detail: string }
  | { ok: false; reason: 'timestamp-out-of-tolerance'; detail: string };

export type AuthOutcome = { ok: true; deliveryId: string | null } | AuthFailure;

/** What a verification handshake answers instead of accepting an event. */
export interface HandshakeReply {
  status: number;
  contentType: string;
  body: string;
}

/**
 * A webhook's authentication, built once per isolate from its config and secrets
 * (CryptoKeys imported once), then called per request.
 */
export interface Verifier {
  /** Methods besides POST the sender uses for a handshake (e.g. Meta's GET); usually empty. */
  readonly extraMethods: readonly string[];
  /** Body formats this scheme's sender uses; the ingress answers 415 for anything else. */
  readonly bodyFormat: 'json' | 'form';
  /** Checks the credential against every active secret at `now` (epoch ms). */
  verify(request: InboundRequest, now: number): Promise<AuthOutcome>;
  /**
   * Called after `verify` succeeded and the body parsed: a delivery id found in the payload
   * (Stripe's event `id`, Slack's `event_id`) when the headers gave none.
   */
  deliveryIdFromPayload(payload: unknown): string | null;
  /**
   * A handshake the sender expects answered (Slack url_verification, Zoom url_validation, Twitch
   * callback verification, Meta GET subscribe). Called after `verify` and parse, before the schema
   * check; null when this request is an ordinary event.
   */
  handshake(request: InboundRequest, payload: unknown): Promise<HandshakeReply | null>;
}
