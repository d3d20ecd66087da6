/** What every console route can read from its context: the hono env of the console app. */
import type { AuthFailures } from '../control/auth-failures';
import type { ConsoleApi } from './api-client';
import type { ControlFetcher } from './control-fetcher';

/** The signed-in person's session, as `requireSession` found it (shared/console/session.ts). */
export interface ConsoleSession {
  /** SHA-256 of the cookie's session id: the row's key. */
  idHash: string;
  /** The API token the session was opened with (`tok_…`): the console acts, and is audited, as it. */
  tokenId: string;
  projectId: string;
  orgSlug: string;
  /** Goes into every state-changing form as `_csrf` (shared/console/csrf.ts). */
  csrfToken: string;
  expiresAt: number;
}

export interface ConsoleVariables {
  /** True on `console.localhost`: plain http, so cookies cannot be Secure nor `__Host-` named. */
  local: boolean;
  session: ConsoleSession;
  /** The control API, called in-process as the session's token (shared/console/api-client.ts). */
  api: ConsoleApi;
}

export type ConsoleEnv = { Bindings: Env; Variables: ConsoleVariables };

export interface ConsoleDeps {
  control: ControlFetcher;
  now?: () => number;
  /** Wrong tokens per client, counted with the control API's (shared/control/auth-failures.ts). */
  authFailures?: AuthFailures;
}
