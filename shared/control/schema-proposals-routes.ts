import type { ControlDeps } from './context';
import { ControlRoutes } from './route-doc';

export function schemaProposalsRoutes(_deps: ControlDeps): ControlRoutes {
  return new ControlRoutes();
}
