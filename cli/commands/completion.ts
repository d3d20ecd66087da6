/**
 * `hasp completion bash|zsh|fish`: a completion script generated from the command tree itself,
 * so every command and option the CLI has is completed and nothing else.
 */
import type { Command } from 'commander';
import { CliError } from '../errors';

interface Node {
  path: string[];
  description: string;
  subcommands: Node[];
  options: { long: string; description: string }[];
}

function tree(command: Command, path: string[] = []): Node {
  return {
    path,
    description: command.description(),
    subcommands: command.commands.map((sub) => tree(sub, [...path, sub.name()])),
    options: [...command.options.map((o) => ({ long: o.long ?? '', description: o.description })).filter((o) => o.long !== ''), { long: '--help', description: 'show help' }],
  };
}

function flatten(node: Node): Node[] {
  return [node, ...node.subcommands.flatMap(flatten)];
}

const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;

function bash(root: Node): string {
  const cases = flatten(root)
    .map((n) => `    ${quote(n.path.join(' '))}) echo ${quote([...n.subcommands.map((s) => s.path.at(-1) ?? ''), ...n.options.map((o) => o.long)].join(' '))} ;;`)
    .join('\n');
  return `# hasp completion for bash. Install: hasp completion bash > ~/.local/share/bash-completion/completions/hasp
_hasp_words() {
  case "$1" in
${cases}
  esac
}
_hasp() {
  local cur path word i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  path=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == -* ]] && continue
    case " $(_hasp_words "$path") " in
      *" $word "*) path="\${path:+$path }$word" ;;
    esac
  done
  COMPREPLY=( $(compgen -W "$(_hasp_words "$path")" -- "$cur") )
}
complete -F _hasp hasp
`;
}

function zsh(root: Node): string {
  return `#compdef hasp
# hasp completion for zsh. Install: hasp completion zsh > "\${fpath[1]}/_hasp" (or eval "$(hasp completion zsh)" in ~/.zshrc)
autoload -U +X bashcompinit && bashcompinit
${bash(root).split('\n').filter((l) => !l.startsWith('# hasp completion for bash')).join('\n')}`;
}

function fish(root: Node): string {
  const lines = ['# hasp completion for fish. Install: hasp completion fish > ~/.config/fish/completions/hasp.fish', 'complete -c hasp -f'];
  for (const node of flatten(root)) {
    const siblings = node.subcommands.map((s) => s.path.at(-1) ?? '').join(' ');
    const condition =
      node.path.length === 0
        ? '__fish_use_subcommand'
        : `__fish_seen_subcommand_from ${node.path.at(-1) ?? ''}${node.path.length > 1 ? `; and __fish_seen_subcommand_from ${node.path[0] ?? ''}` : ''}${siblings ? `; and not __fish_seen_subcommand_from ${siblings}` : ''}`;
    for (const sub of node.subcommands) lines.push(`complete -c hasp -n ${quote(condition)} -a ${quote(sub.path.at(-1) ?? '')} -d ${quote(sub.description)}`);
    const optionCondition = node.path.length === 0 ? '__fish_use_subcommand' : `__fish_seen_subcommand_from ${node.path.at(-1) ?? ''}`;
    for (const option of node.options) lines.push(`complete -c hasp -n ${quote(optionCondition)} -l ${option.long.replace(/^--/, '')} -d ${quote(option.description)}`);
  }
  return `${lines.join('\n')}\n`;
}

const SHELLS = { bash, zsh, fish } as const;

export function registerCompletion(program: Command): void {
  program
    .command('completion <shell>')
    .description('Print a shell completion script (bash, zsh or fish)')
    .addHelpText('after', '\nInstall:\n  bash: hasp completion bash > ~/.local/share/bash-completion/completions/hasp\n  zsh:  echo \'eval "$(hasp completion zsh)"\' >> ~/.zshrc\n  fish: hasp completion fish > ~/.config/fish/completions/hasp.fish')
    .option('--json', 'print `{ shell, script }` as JSON instead of the bare script')
    .action((shell: string, opts: { json?: boolean }) => {
      const render = Object.hasOwn(SHELLS, shell) ? SHELLS[shell as keyof typeof SHELLS] : undefined;
      if (render === undefined) throw new CliError(`No completion for "${shell}".`, 'Choose bash, zsh or fish.');
      const script = render(tree(program));
      if (opts.json) process.stdout.write(`${JSON.stringify({ shell, script })}\n`);
      else process.stdout.write(script);
    });
}
