/** What every command gets: the resolved config and an API client made from it, built on first use. */
import type { Command } from 'commander';
import { resolveConfig, type ResolvedConfig } from './config';
import { ApiClient } from './http';

export interface CliContext {
  env: NodeJS.ProcessEnv;
  config(): ResolvedConfig;
  client(): ApiClient;
}

export function createContext(env: NodeJS.ProcessEnv): CliContext {
  let client: ApiClient | undefined;
  return {
    env,
    config: () => resolveConfig(env),
    client: () => (client ??= new ApiClient(resolveConfig(env))),
  };
}

/** A leaf command: every one takes --json. */
export function leaf(parent: Command, nameAndArgs: string, description: string): Command {
  return parent.command(nameAndArgs).description(description).option('--json', 'print JSON for scripts instead of text');
}
