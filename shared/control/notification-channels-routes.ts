import type { ControlDeps } from './context';
import { ControlRoutes } from './route-doc';

export function notificationChannelsRoutes(_deps: ControlDeps): ControlRoutes {
  return new ControlRoutes();
}
