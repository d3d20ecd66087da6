/**
 * The control API's body limit: every `/v1` body is read within CONTROL_BODY_LIMIT_BYTES before
 * any route parses it, so no route can forget it (shared/http/body-limits.ts).
 */
import { bodyLimit, CONTROL_BODY_LIMIT_BYTES } from '../http/body-limits';
import { problemResponse } from '../http/problem';
import type { ControlEnv } from './context';

/** For `/v1/*`: 413 `payload-too-large` with `limit_bytes`, before parsing and before the token check. */
export const controlBodyLimit = bodyLimit<ControlEnv>({
  limitOf: () => CONTROL_BODY_LIMIT_BYTES,
  tooLarge: (_c, limit) =>
    problemResponse('payload-too-large', `The control API accepts request bodies up to ${limit} bytes; nothing was read past that or changed. Send a smaller schema or fewer samples.`, {
      limit_bytes: limit,
    }),
  aborted: () => problemResponse('request-aborted', 'The connection closed before the whole body arrived; nothing was changed. Send the request again.'),
});
