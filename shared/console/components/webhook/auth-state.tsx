/**
 * How the webhook authenticates its sender and where its secret stands: awaiting the sender's
 * secret, one active secret, or a rotation overlap with the time the old secret stops verifying.
 * A secret value never appears here; `SecretOnce` (../secret-once.tsx) shows a new one once, on
 * the page the rotation redirects to.
 */
import type { FC } from 'hono/jsx';
import { CsrfField } from '../../csrf';
import type { SecretSummary } from '../../../control/responses';
import { PRESETS, type PresetName } from '../../../signatures/presets';
import type { PublicAuth } from '../../../signatures/public-auth';
import { When } from './when';

function presetOf(auth: PublicAuth): (typeof PRESETS)[PresetName] | null {
  return 'preset' in auth && auth.preset !== undefined ? PRESETS[auth.preset] : null;
}

/** The auth method in words. */
export function authText(auth: PublicAuth): string {
  switch (auth.method) {
    case 'hmac': {
      const preset = presetOf(auth);
      if (preset !== null) return `HMAC signature as ${preset.label} signs it`;
      return auth.scheme === 'generic-hmac' ? 'HMAC signature (custom header and encoding)' : 'HMAC signature (Standard Webhooks)';
    }
    case 'header':
      return `Shared secret in the ${auth.header} header`;
    case 'bearer':
      return 'Bearer token in the Authorization header';
    case 'none':
      return 'None';
  }
}

export const AuthState: FC<{ auth: PublicAuth; awaitingSecret: boolean; secrets: readonly SecretSummary[] }> = ({ auth, awaitingSecret, secrets }) => {
  const preset = presetOf(auth);
  const [current, ...previous] = secrets;
  return (
    <div class="auth-state">
      <p>
        <strong>Authentication:</strong> {authText(auth)}
      </p>
      {auth.method === 'none' ? (
        <p class="warning" role="note">
          <strong>Warning:</strong> {auth.warning}
        </p>
      ) : awaitingSecret ? (
        <p class="warning" role="note">
          <strong>Awaiting the sender’s secret:</strong> every request is refused until you paste the signing secret {preset === null ? 'the sender uses' : `from ${preset.label} (${preset.secretLocation})`} in the form below.
        </p>
      ) : current === undefined ? null : (
        <ul class="secrets">
          <li>
            Current secret <code>{current.id}</code>, made <When at={current.created_at} />
            {current.expires_at === null ? null : (
              <>
                , stops verifying <When at={current.expires_at} />
              </>
            )}
          </li>
          {previous.map((s) => (
            <li>
              Rotation overlap: previous secret <code>{s.id}</code> still verifies until{' '}
              {s.expires_at === null ? 'further notice' : <When at={s.expires_at} />}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
};

/**
 * Rotation: a new secret (generated, or the one the sender issued) and how long the old one lasts.
 * `awaitingSecret`: the webhook has no secret yet (its sender issues it and it was never added), so
 * the form adds the first one and speaks of no old secret to keep.
 */
export const RotateSecretForm: FC<{ webhookId: string; auth: PublicAuth; csrf: string; awaitingSecret?: boolean }> = ({ webhookId, auth, csrf, awaitingSecret = false }) => {
  if (auth.method === 'none') return <p>There is no secret to rotate: authentication is off.</p>;
  const preset = presetOf(auth);
  const senderIssued = preset !== null && preset.secretIssuedBy === 'sender';
  const sender = preset === null ? 'the sender' : preset.label;
  if (awaitingSecret) {
    return (
      <form method="post" action={`/webhooks/${webhookId}/rotate-secret`} class="stack">
        <CsrfField token={csrf} />
        {/* No previous secret: nothing to keep verifying. */}
        <input type="hidden" name="overlap_seconds" value="0" />
        <p>
          {preset === null
            ? 'Paste the signing secret the sender uses. Requests are refused until it is added.'
            : `${preset.label} issues the signing secret. Where to find it: ${preset.secretLocation} Requests are refused until it is added.`}
        </p>
        <label for="rotate-secret-value">{`Signing secret from ${sender}`}</label>
        <input id="rotate-secret-value" name="secret" type="password" autocomplete="off" required />
        <button type="submit">Add the secret</button>
      </form>
    );
  }
  return (
    <form method="post" action={`/webhooks/${webhookId}/rotate-secret`} class="stack">
      <CsrfField token={csrf} />
      <p>
        {senderIssued
          ? `${sender} issues the secret: roll it there, then paste the new one here.`
          : 'A new secret is generated and shown once, on the next page. Give it to the sender before the old one stops verifying.'}
      </p>
      <label for="rotate-secret-value">{senderIssued ? `New secret from ${sender}` : 'New secret (optional: leave empty to generate one)'}</label>
      <input id="rotate-secret-value" name="secret" type="password" autocomplete="off" required={senderIssued} />
      <label for="rotate-overlap">Keep the old secret verifying for</label>
      <select id="rotate-overlap" name="overlap_seconds">
        <option value="0">no time: stop it now</option>
        <option value="3600">1 hour</option>
        <option value="86400" selected>
          24 hours
        </option>
        <option value="604800">7 days</option>
      </select>
      <button type="submit">Rotate the secret</button>
    </form>
  );
};
