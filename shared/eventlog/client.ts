/** The log of one project: one Durable Object per project, addressed by the project id. */
import type { ProjectLog } from './project-log';

export function projectLog(env: Pick<Env, 'PROJECT_LOG'>, projectId: string): DurableObjectStub<ProjectLog> {
  return env.PROJECT_LOG.get(env.PROJECT_LOG.idFromName(projectId));
}
