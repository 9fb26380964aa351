/**
 * `nepi completion bash|zsh|fish`, checked in the real shells: bash calls the completion
 * function as it would on Tab; fish answers `complete -C LINE`; zsh runs the function with
 * its completion builtins replaced by ones that print what they were given (zsh offers no
 * way to run its completion system without a terminal).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nepi } from './cli.js';

let dir: string;
const scripts: Record<string, string> = {};
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nepi-completion-'));
  for (const name of ['exp.yaml', 'other.json', 'notes.txt']) writeFileSync(join(dir, name), '');
  mkdirSync(join(dir, 'runs'));
  for (const shell of ['bash', 'zsh', 'fish']) {
    const result = await nepi(['completion', shell]);
    expect(result.code, result.stderr).toBe(0);
    scripts[shell] = join(dir, '..', `${basename(dir)}.${shell}`);
    writeFileSync(scripts[shell], result.stdout);
  }
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const script of Object.values(scripts)) rmSync(script, { force: true });
});

/** The words bash would offer for `line` (the cursor at its end). */
function bash(line: string): string[] {
  const script = `source "$1"; COMP_WORDBREAKS="\\"'><=;|&(:"; COMP_LINE="$2"; COMP_POINT=\${#COMP_LINE}; _nepi; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return lines(execFileSync('bash', ['-c', script, 'bash', scripts['bash']!, line], { cwd: dir, encoding: 'utf8' }));
}

/** What fish offers for `line`, without the descriptions. */
function fish(line: string): string[] {
  const out = execFileSync('fish', ['-c', 'source $argv[1]; complete -C $argv[2]', scripts['fish']!, line], { cwd: dir, encoding: 'utf8' });
  return lines(out).map((l) => l.split('\t')[0]!);
}

/** What the zsh function asks for: `_describe` and `compadd` print their words, `_files` its arguments. */
function zsh(line: string): string[] {
  const harness = [
    'compdef() { : }',
    `_describe() { print -l -- "\${(@P)4%%:*}" }`,
    'compadd() { if [[ $1 == -a ]]; then print -l -- "${(@P)2}"; else print -l -- "$@"; fi }',
    '_files() { print -- "_files $*" }',
    'source "$1"',
    'words=("${(@s: :)2}")',
    'CURRENT=${#words}',
    '_nepi',
  ].join('\n');
  return lines(execFileSync('zsh', ['-c', harness, 'zsh', scripts['zsh']!, line], { cwd: dir, encoding: 'utf8' }));
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

describe('nepi completion', () => {
  it('completes commands, subcommands and options in bash', () => {
    expect(bash('nepi ')).toEqual(expect.arrayContaining(['run', 'validate', 'plan', 'campaign', 'completion']));
    expect(bash('nepi ru')).toEqual(['run']);
    expect(bash('nepi campaign ')).toEqual(['resume', 'show', 'plot']);
    expect(bash('nepi run --lo')).toEqual(['--local-dir']);
    expect(bash('nepi plan exp.yaml --sw')).toEqual(['--sweep']);
    expect(bash('nepi completion ')).toEqual(['bash', 'zsh', 'fish']);
  });

  it('completes experiment files, directories and resource types in bash', () => {
    expect(bash('nepi run ').sort()).toEqual(['exp.yaml', 'other.json', 'runs']);
    expect(bash('nepi validate e')).toEqual(['exp.yaml']);
    expect(bash('nepi run --local-dir ')).toEqual(['runs']);
    expect(bash('nepi run exp.yaml --local-dir runs ')).toEqual([]); // run takes one file
    expect(bash('nepi show ')).toEqual(['runs']);
    expect(bash('nepi show --expanded ').sort()).toEqual(['exp.yaml', 'other.json', 'runs']);
    expect(bash('nepi timeline runs -o ').sort()).toEqual(['exp.yaml', 'notes.txt', 'other.json', 'runs']);
    expect(bash('nepi run exp.yaml --metric ')).toEqual([]);
    // bash splits words at colons: the reply is what follows the last one
    expect(bash('nepi types linux::A')).toEqual(['Application']);
    expect(bash('nepi types netns::')).toEqual(['Link', 'Node', 'Route', 'Switch']);
    expect(bash('nepi types d')).toEqual(['dummy::Application', 'dummy::Link', 'dummy::Node']);
  });

  it('completes the same in fish, with descriptions', () => {
    expect(fish('nepi ru')).toEqual(['run']);
    expect(fish('nepi campaign ').sort()).toEqual(['plot', 'resume', 'show']);
    expect(fish('nepi run --local-')).toEqual(['--local-dir']);
    expect(fish('nepi run ').sort()).toEqual(['exp.yaml', 'other.json', 'runs/']);
    expect(fish('nepi run --local-dir ')).toEqual(['runs/']);
    expect(fish('nepi types linux::')).toEqual(['linux::Application', 'linux::Node', 'linux::Ping', 'linux::Tcpdump']);
    expect(fish('nepi completion ').sort()).toEqual(['bash', 'fish', 'zsh']);
    const described = execFileSync('fish', ['-c', 'source $argv[1]; complete -C "nepi pl"', scripts['fish']!], { cwd: dir, encoding: 'utf8' });
    expect(described).toContain('plan\tpredict when each resource deploys');
  });

  it('asks zsh for the same', () => {
    expect(zsh('nepi ')).toEqual(expect.arrayContaining(['run', 'validate', 'campaign']));
    expect(zsh('nepi campaign ')).toEqual(['resume', 'show', 'plot']);
    expect(zsh('nepi run --')).toEqual(expect.arrayContaining(['--local-dir', '--sweep', '--help']));
    expect(zsh('nepi run ')).toEqual(['_files -g *.(yaml|yml|json)(-.)']);
    expect(zsh('nepi run --local-dir ')).toEqual(['_files -/']);
    expect(zsh('nepi run exp.yaml --local-dir runs ')).toEqual([]);
    expect(zsh('nepi types ')).toEqual(expect.arrayContaining(['linux::Application', 'netns::Link', 'dummy::Node']));
    expect(zsh('nepi completion ')).toEqual(['bash', 'zsh', 'fish']);
  });

  it('refuses an unknown shell with exit code 2', async () => {
    const result = await nepi(['completion', 'tcsh']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'tcsh' is invalid");
  });
});

describe('nepi --help', () => {
  it('ends every command’s help with two or three examples of it', async () => {
    const commands = [
      '',
      'run',
      'resume',
      'validate',
      'types',
      'show',
      'graph',
      'plan',
      'timeline',
      'clean',
      'campaign',
      'campaign resume',
      'campaign show',
      'campaign plot',
      'exec',
      'shell',
      'inspect',
      'completion',
    ];
    // every command nepi lists is here (a description that wraps goes on more indented lines)
    const listed = lines((await nepi(['--help'])).stdout.split('Commands:')[1]!.split('Examples:')[0]!)
      .filter((l) => /^ {2}\S/.test(l))
      .map((l) => l.trim().split(/\s/)[0]);
    expect(listed.filter((name) => name !== 'help').sort()).toEqual(commands.filter((c) => c !== '' && !c.includes(' ')).sort());
    for (const command of commands) {
      const help = await nepi([...command.split(' ').filter(Boolean), '--help']);
      const examples = help.stdout.split('\nExamples:\n')[1];
      expect(examples, `nepi ${command} --help`).toBeDefined();
      const shown = lines(examples!).filter((l) => l.startsWith('  $ '));
      expect(shown.length, command).toBeGreaterThanOrEqual(2);
      expect(shown.length, command).toBeLessThanOrEqual(3);
      if (command !== '' && command !== 'completion') for (const line of shown) expect(line).toContain(`nepi ${command} `);
    }
  });
});
