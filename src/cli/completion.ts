/**
 * `nepi completion bash|zsh|fish`: a completion script for the shell, generated from the
 * commands, options and arguments `nepi` defines (so it never falls behind them) and the
 * registered resource types. It completes commands and subcommands, options, experiment
 * files (`.yaml`, `.yml`, `.json`) where a command takes one, directories for run and
 * campaign directories, and resource types for `nepi types`.
 */
import type { Command } from 'commander';
import { commandPath } from './help-examples.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** What a word completes to. */
type Kind = 'experiment' | 'file' | 'dir' | 'type' | 'shell' | 'none';

interface OptionSpec {
  readonly names: readonly string[];
  readonly description: string;
  /** The kind of its value; undefined for a flag without one. */
  readonly value: Kind | undefined;
}

interface CommandSpec {
  readonly path: string;
  readonly subcommands: readonly { readonly name: string; readonly description: string }[];
  readonly options: readonly OptionSpec[];
  /** The kind of each positional argument, in order. */
  readonly args: readonly Kind[];
}

/**
 * The kind of an argument or option value, from its name (`<file>`, `<run-dir>`, `[type]`):
 * a `<file>` argument is an experiment file, a `<file>` option any file (an output), except
 * `--sweep-file` (YAML or JSON) and `nepi show --expanded` (an experiment file).
 */
function kindOf(name: string, option?: string): Kind {
  if (name === 'file') return option === undefined || option === '--sweep-file' || option === '--expanded' ? 'experiment' : 'file';
  if (name === 'dir' || name === 'run-dir') return 'dir';
  if (name === 'type') return 'type';
  if (name === 'shell') return 'shell';
  return 'none';
}

function describeCommands(program: Command): CommandSpec[] {
  const specs: CommandSpec[] = [];
  const visit = (command: Command) => {
    const options: OptionSpec[] = command.options.map((option) => {
      const placeholder = /[<[]([\w-]+)[>\]]/.exec(option.flags)?.[1];
      return {
        names: [option.short, option.long].filter((n): n is string => n !== undefined),
        description: option.description,
        value: placeholder === undefined ? undefined : kindOf(placeholder, option.long),
      };
    });
    options.push({ names: ['-h', '--help'], description: 'show the help of this command', value: undefined });
    specs.push({
      path: commandPath(command),
      subcommands: command.commands.map((c) => ({ name: c.name(), description: c.description() })),
      options,
      args: command.registeredArguments.map((a) => kindOf(a.name())),
    });
    command.commands.forEach(visit);
  };
  visit(program);
  return specs;
}

export function completionScript(shell: Shell, program: Command, types: readonly string[]): string {
  const specs = describeCommands(program);
  switch (shell) {
    case 'bash':
      return bashScript(specs, types);
    case 'zsh':
      return zshScript(specs, types);
    case 'fish':
      return fishScript(specs, types);
  }
}

/** A word in single quotes for bash, zsh and fish ('it'\''s'; fish reads \' inside quotes). */
function quote(text: string, shell: Shell = 'bash'): string {
  return shell === 'fish' ? `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The case arms of a function of the command path: `'run') echo '...' ;;`. */
function cases(specs: readonly CommandSpec[], value: (spec: CommandSpec) => string): string {
  return specs.map((spec) => `    ${quote(spec.path)}) echo ${quote(value(spec))} ;;`).join('\n');
}

/**
 * The walk every script does over the words before the cursor: subcommand names extend the
 * path, an option with a value skips that value, anything else is a positional argument.
 */
function valueKinds(spec: CommandSpec): string {
  return spec.options.flatMap((o) => (o.value === undefined ? [] : o.names.map((n) => `${n}=${o.value}`))).join(' ');
}

function bashScript(specs: readonly CommandSpec[], types: readonly string[]): string {
  return `# nepi completion for bash. Load it with: source <(nepi completion bash)
_nepi_subcommands() {
  case "$1" in
${cases(specs, (s) => s.subcommands.map((c) => c.name).join(' '))}
  esac
}
_nepi_options() {
  case "$1" in
${cases(specs, (s) => s.options.flatMap((o) => o.names).join(' '))}
  esac
}
# NAME=KIND for each option that takes a value
_nepi_values() {
  case "$1" in
${cases(specs, valueKinds)}
  esac
}
_nepi_args() {
  case "$1" in
${cases(specs, (s) => s.args.join(' '))}
  esac
}
_nepi_reply() {
  local kind="$1" cur="$2" ext
  case "$kind" in
    experiment)
      compopt -o filenames 2>/dev/null
      COMPREPLY=($(compgen -d -- "$cur"))
      for ext in yaml yml json; do COMPREPLY+=($(compgen -f -X "!*.$ext" -- "$cur")); done ;;
    file) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
    dir) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
    type) COMPREPLY=($(compgen -W ${quote(types.join(' '))} -- "$cur")) ;;
    shell) COMPREPLY=($(compgen -W 'bash zsh fish' -- "$cur")) ;;
    *) COMPREPLY=() ;;
  esac
}
_nepi() {
  # split the line ourselves: bash would break resource types at their colons
  local line="\${COMP_LINE:0:COMP_POINT}" cur="" words path="" value="" nargs=0 i word entry
  read -ra words <<< "$line"
  [[ "$line" == *[[:space:]] ]] || { cur="\${words[-1]}"; unset 'words[-1]'; }
  for ((i = 1; i < \${#words[@]}; i++)); do
    word="\${words[i]}"
    if [[ -n "$value" ]]; then value=""; continue; fi
    if [[ "$word" == -* ]]; then
      [[ "$word" == *=* ]] && continue
      for entry in $(_nepi_values "$path"); do [[ "\${entry%%=*}" == "$word" ]] && value="\${entry#*=}"; done
      continue
    fi
    if [[ " $(_nepi_subcommands "$path") " == *" $word "* ]]; then path="\${path:+$path }$word"; nargs=0; else nargs=$((nargs + 1)); fi
  done
  if [[ -n "$value" ]]; then
    _nepi_reply "$value" "$cur"
  elif [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_nepi_options "$path")" -- "$cur"))
  else
    local args=($(_nepi_args "$path")) subcommands="$(_nepi_subcommands "$path")"
    if [[ -n "$subcommands" ]]; then
      COMPREPLY=($(compgen -W "$subcommands" -- "$cur"))
    else
      _nepi_reply "\${args[nargs]:-none}" "$cur"
    fi
  fi
  # bash puts back what it split off at the last colon: reply with the rest only
  if [[ "$cur" == *:* && "$COMP_WORDBREAKS" == *:* ]]; then
    local prefix="\${cur%"\${cur##*:}"}"
    for i in "\${!COMPREPLY[@]}"; do COMPREPLY[i]="\${COMPREPLY[i]#"$prefix"}"; done
  fi
}
complete -F _nepi nepi
`;
}

function zshScript(specs: readonly CommandSpec[], types: readonly string[]): string {
  const described = (items: readonly { name: string; description: string }[]) => items.map((i) => `${i.name.replace(/:/g, '\\:')}:${i.description}`).join('\n');
  return `#compdef nepi
# nepi completion for zsh. Install it as a file named _nepi in a folder of $fpath, or load it
# in a shell where compinit ran with: source <(nepi completion zsh)
_nepi_subcommands() {
  case "$1" in
${cases(specs, (s) => described(s.subcommands))}
  esac
}
_nepi_options() {
  case "$1" in
${cases(specs, (s) => described(s.options.flatMap((o) => o.names.map((name) => ({ name, description: o.description })))))}
  esac
}
_nepi_values() {
  case "$1" in
${cases(specs, valueKinds)}
  esac
}
_nepi_args() {
  case "$1" in
${cases(specs, (s) => s.args.join(' '))}
  esac
}
_nepi_reply() {
  case "$1" in
    experiment) _files -g '*.(yaml|yml|json)(-.)' ;;
    file) _files ;;
    dir) _files -/ ;;
    type) local -a types; types=(${types.map((t) => quote(t)).join(' ')}); compadd -a types ;;
    shell) compadd bash zsh fish ;;
  esac
}
_nepi() {
  local path_="" value="" nargs=0 i word entry
  local -a subs
  for ((i = 2; i < CURRENT; i++)); do
    word="\${words[i]}"
    if [[ -n "$value" ]]; then value=""; continue; fi
    if [[ "$word" == -* ]]; then
      [[ "$word" == *=* ]] && continue
      for entry in \${=$(_nepi_values "$path_")}; do [[ "\${entry%%=*}" == "$word" ]] && value="\${entry#*=}"; done
      continue
    fi
    subs=("\${(@f)$(_nepi_subcommands "$path_")}")
    if (( \${subs[(I)$word:*]} )); then path_="\${path_:+$path_ }$word"; nargs=0; else nargs=$((nargs + 1)); fi
  done
  local cur="\${words[CURRENT]}"
  if [[ -n "$value" ]]; then
    _nepi_reply "$value"
  elif [[ "$cur" == -* ]]; then
    local -a options; options=("\${(@f)$(_nepi_options "$path_")}")
    _describe -t options 'option' options
  else
    local -a commands args; commands=("\${(@f)$(_nepi_subcommands "$path_")}"); args=(\${=$(_nepi_args "$path_")})
    if [[ -n "\${commands[1]}" ]]; then
      _describe -t commands 'command' commands
    else
      _nepi_reply "\${args[nargs + 1]:-none}"
    fi
  fi
}
if [[ "\${funcstack[1]}" == "_nepi" ]]; then _nepi "$@"; else compdef _nepi nepi; fi
`;
}

function fishScript(specs: readonly CommandSpec[], types: readonly string[]): string {
  const lines = [
    '# nepi completion for fish. Install it with: nepi completion fish > ~/.config/fish/completions/nepi.fish',
    '# the command path of the line so far ("", "run", "campaign show"), and how many arguments follow it',
    'function __nepi_walk',
    '    set -l tokens (commandline -opc)',
    '    set -l path ""',
    '    set -l value ""',
    '    set -l nargs 0',
    '    for word in $tokens[2..-1]',
    '        if test -n "$value"',
    '            set value ""',
    '            continue',
    '        end',
    '        if string match -q -- "-*" $word',
    '            string match -q -- "*=*" $word; and continue',
    '            contains -- "$path:$word" $__nepi_valued; and set value 1',
    '            continue',
    '        end',
    '        if contains -- "$path:$word" $__nepi_subcommands',
    '            set path (string trim -- "$path $word")',
    '            set nargs 0',
    '        else',
    '            set nargs (math $nargs + 1)',
    '        end',
    '    end',
    '    echo $path',
    '    echo $nargs',
    'end',
    'function __nepi_at --argument-names path',
    '    set -l walk (__nepi_walk)',
    '    test "$walk[1]" = "$path"',
    'end',
    'function __nepi_arg --argument-names path n',
    '    set -l walk (__nepi_walk)',
    '    test "$walk[1]" = "$path"; and test "$walk[2]" = "$n"',
    'end',
    `set -g __nepi_subcommands ${specs.flatMap((s) => s.subcommands.map((c) => quote(`${s.path}:${c.name}`, 'fish'))).join(' ')}`,
    `set -g __nepi_valued ${specs.flatMap((s) => s.options.flatMap((o) => (o.value === undefined ? [] : o.names.map((n) => quote(`${s.path}:${n}`, 'fish'))))).join(' ')}`,
    '# directories, and the files an experiment can be written in',
    'function __nepi_experiment_files',
    '    for f in (commandline -ct)*',
    '        if test -d $f',
    '            echo $f/',
    "        else if string match -qr '\\.(ya?ml|json)$' -- $f",
    '            echo $f',
    '        end',
    '    end',
    'end',
    'complete -c nepi -f',
  ];
  const values: Record<Kind, string> = {
    experiment: "-a '(__nepi_experiment_files)'",
    file: '-F', // no positional argument is any file: options use -r -F
    dir: "-a '(__fish_complete_directories)'",
    type: `-a ${quote(types.join(' '), 'fish')}`,
    shell: "-a 'bash zsh fish'",
    none: '',
  };
  for (const spec of specs) {
    const at = `-n ${quote(`__nepi_at ${quote(spec.path, 'fish')}`, 'fish')}`;
    for (const sub of spec.subcommands) lines.push(`complete -c nepi ${at} -a ${quote(sub.name, 'fish')} -d ${quote(sub.description, 'fish')}`);
    for (const option of spec.options) {
      const names = option.names.map((n) => (n.startsWith('--') ? `-l ${n.slice(2)}` : `-s ${n.slice(1)}`)).join(' ');
      // -x: a value, and no files unless the kind says so (-F)
      const value = option.value === undefined ? '' : option.value === 'file' ? ' -r -F' : ` -x ${values[option.value]}`;
      lines.push(`complete -c nepi ${at} ${names}${value} -d ${quote(option.description, 'fish')}`);
    }
    spec.args.forEach((kind, n) => {
      if (kind === 'none') return;
      const condition = quote(`__nepi_arg ${quote(spec.path, 'fish')} ${n}`, 'fish');
      lines.push(`complete -c nepi -n ${condition} ${values[kind]}`);
    });
  }
  return `${lines.join('\n')}\n`;
}
