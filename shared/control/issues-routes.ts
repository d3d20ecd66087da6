import type { ControlDeps } from './context';
import { ControlRoutes } from './route-doc';

export function issuesRoutes(_deps: ControlDeps): ControlRoutes {
  return new ControlRoutes();
}
