/** `hasp login` stores the API URL and token (mode 0600); `hasp logout` removes them. */
import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { trimApiUrl } from '../api-url';
import { DEFAULT_API_URL, maskToken, readStoredConfig, removeStoredConfig, resolveConfig, writeStoredConfig } from '../config';
import { CliError } from '../errors';
import { ApiClient } from '../http';
import { colour, line, printJson } from '../output';
import { leaf, type CliContext } from '../context';

async function promptToken(): Promise<string> {
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += String(chunk);
    return text.trim();
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question('Project API token: ')).trim();
  } finally {
    rl.close();
  }
}

export function registerLogin(program: Command, ctx: CliContext): void {
  leaf(program, 'login', 'Check an API token against the control API and store it (with the API URL) in your config directory')
    .option('--token <token>', 'the project API token (default: read from the prompt or stdin)')
    .option('--api-url <url>', `the control API (default: HASP_API_URL, else ${DEFAULT_API_URL})`)
    .action(async (opts: { token?: string; apiUrl?: string; json?: boolean }) => {
      const current = resolveConfig(ctx.env);
      const apiUrl = opts.apiUrl === undefined ? current.apiUrl : trimApiUrl(opts.apiUrl);
      const apiUrlSource = opts.apiUrl === undefined ? current.apiUrlSource : '--api-url';
      const token = opts.token ?? (await promptToken());
      if (token === '') throw new CliError('No token given.', 'Pass --token <project API token>, or paste it at the prompt.');
      // A token is stored only once the API accepts it, so a typo is caught now, not on first use.
      const tokenSource = opts.token === undefined ? 'prompt' : '--token';
      await new ApiClient({ ...current, apiUrl, apiUrlSource, token, tokenSource }).request('GET', '/v1/webhooks?limit=1');
      writeStoredConfig(current.file, { ...readStoredConfig(current.file), api_url: apiUrl, api_token: token });
      if (opts.json) return printJson({ api_url: apiUrl, token: maskToken(token), config_file: current.file });
      line(`${colour.green('✓')} Logged in to ${apiUrl} as ${maskToken(token)}`);
      line(colour.dim(`Stored in ${current.file} (mode 0600).`));
    });
}

export function registerLogout(program: Command, ctx: CliContext): void {
  leaf(program, 'logout', 'Remove the stored API token and URL').action((opts: { json?: boolean }) => {
    const file = resolveConfig(ctx.env).file;
    removeStoredConfig(file);
    if (opts.json) return printJson({ config_file: file, removed: true });
    line(`Removed ${file}.`);
  });
}
