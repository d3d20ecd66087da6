/**
 * `hasp`: the command line for the control API (`noun verb`, `--json` everywhere, exit code 0 on
 * success and non-zero with the problem otherwise). Each command lives in cli/commands/.
 */
import { Command, CommanderError } from 'commander';
import cliPackage from './package.json' with { type: 'json' };
import { registerCompletion } from './commands/completion';
import { registerDomainsAdd } from './commands/domains-add';
import { registerDomainsCheck } from './commands/domains-check';
import { registerDomainsList } from './commands/domains-list';
import { registerDomainsRemove } from './commands/domains-remove';
import { registerDomainsShow } from './commands/domains-show';
import { registerEventsReplay } from './commands/events-replay';
import { registerEventsTail } from './commands/events-tail';
import { registerIssuesList } from './commands/issues-list';
import { registerIssuesSetState } from './commands/issues-set-state';
import { registerIssuesShow } from './commands/issues-show';
import { registerLogin, registerLogout } from './commands/login';
import { registerSend } from './commands/send';
import { registerWebhooksCreate } from './commands/webhooks-create';
import { registerWebhooksDelete } from './commands/webhooks-delete';
import { registerWebhooksDrift } from './commands/webhooks-drift';
import { registerWebhooksList } from './commands/webhooks-list';
import { registerWebhooksRotateSecret } from './commands/webhooks-rotate-secret';
import { registerWebhooksShow } from './commands/webhooks-show';
import { registerWhoami } from './commands/whoami';
import { createContext } from './context';
import { reportError } from './output';

export function buildProgram(env: NodeJS.ProcessEnv = process.env): Command {
  const ctx = createContext(env);
  const program = new Command('hasp')
    .description('Drive HASP inbound webhooks from the terminal: create, send signed test events, tail, replay.')
    // The installed package's own version (cli/package.json), inlined into the bundle.
    .version(cliPackage.version)
    .exitOverride()
    .showSuggestionAfterError()
    .addHelpText('after', '\nConfiguration: HASP_API_URL (default http://api.localhost:8787/v1, the local `npm run dev`) and HASP_API_TOKEN, or `hasp login`.');
  registerLogin(program, ctx);
  registerLogout(program, ctx);
  registerWhoami(program, ctx);

  const webhooks = program.command('webhooks').description('List, show, create, rotate the secret of, and delete webhooks; review proposed schema changes');
  registerWebhooksList(webhooks, ctx);
  registerWebhooksShow(webhooks, ctx);
  registerWebhooksCreate(webhooks, ctx);
  registerWebhooksRotateSecret(webhooks, ctx);
  registerWebhooksDelete(webhooks, ctx);
  registerWebhooksDrift(webhooks, ctx);

  registerSend(program, ctx);

  const events = program.command('events').description('Follow events and refusals as they happen; replay events');
  registerEventsTail(events, ctx);
  registerEventsReplay(events, ctx);

  const domains = program.command('domains').description('Add, list, show, check and remove enterprise custom hostnames');
  registerDomainsList(domains, ctx);
  registerDomainsShow(domains, ctx);
  registerDomainsAdd(domains, ctx);
  registerDomainsCheck(domains, ctx);
  registerDomainsRemove(domains, ctx);

  const issues = program.command('issues').description('List and show sender-health issues; acknowledge, resolve or ignore them');
  registerIssuesList(issues, ctx);
  registerIssuesShow(issues, ctx);
  registerIssuesSetState(issues, ctx);

  registerCompletion(program);
  return program;
}

/** Runs the CLI; answers the exit code. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const program = buildProgram(env);
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are successes; a usage error was already printed by commander.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version' ? 0 : 2;
    }
    return reportError(err, argv.includes('--json'));
  }
}

/**
 * Runs `hasp` as the process: what cli/bin.mjs (in a clone) and the package's bundle call, where
 * main() is what tests call in-process. A reader that goes away (`hasp … | head -1`) ends the
 * command quietly, as with any Unix filter: there is nothing left to print to, and nothing went
 * wrong, so the exit code is the command's own (0 unless it had already failed).
 */
export async function run(): Promise<void> {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit();
  });
  process.exitCode = await main(process.argv);
}
