/**
 * Into a running experiment, as Mininet's `h1 ping h2` and Containerlab's `clab exec`:
 * `nepi exec RUN_DIR NODE -- CMD...` runs a command on a node (here, inside its namespace, or
 * over SSH) and exits with its exit code; `nepi shell RUN_DIR NODE` opens an interactive
 * shell there. Both start in the run's folder on the node.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { defaultRegistry } from '../resources/registry.js';
import type { NodeAccess } from '../resources/resource-type.js';
import { readRunView, runningNode } from '../run/running-run.js';
import { quote } from '../backends/linux/transport/ssh/shell.js';

export interface NodeCommandOptions {
  /** OpenSSH `-o` options (`Key=value`) for a node reached over SSH. */
  readonly sshOption?: string[];
  /** Give the command a terminal (`ssh -t`). */
  readonly tty?: boolean;
}

/** `nepi exec RUN_DIR NODE -- CMD...`: the command's exit code (255 when it could not be started there). */
export async function execCommand(runDir: string, name: string, command: readonly string[], options: NodeCommandOptions = {}): Promise<number> {
  const node = runningNode(await readRunView(runDir, defaultRegistry), name);
  // one word is a command line as typed (`nepi exec D n1 'ip addr | grep inet'`); more are quoted one by one
  const line = command.length === 1 ? command[0]! : command.map(quote).join(' ');
  return runThere(node.access, node.access.argv(line, { tty: options.tty ?? false, sshOptions: options.sshOption ?? [] }));
}

/** `nepi shell RUN_DIR NODE`: an interactive shell on the node; its exit code. */
export async function shellCommand(runDir: string, name: string, options: NodeCommandOptions = {}): Promise<number> {
  const node = runningNode(await readRunView(runDir, defaultRegistry), name);
  const tty = options.tty ?? process.stdin.isTTY === true;
  if (tty) process.stderr.write(`nepi: a shell on '${name}' (${node.access.where}); exit to leave\n`);
  return runThere(node.access, node.access.argv(undefined, { tty, sshOptions: options.sshOption ?? [] }));
}

/** Run `argv` with this terminal; the child's exit code, 128+n for a signal, 255 when it cannot start. */
function runThere(access: NodeAccess, argv: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit', ...(access.cwd === undefined ? {} : { cwd: access.cwd }) });
    // Ctrl-C goes to the child (same terminal); nepi waits for it to end
    const ignore = () => {};
    process.on('SIGINT', ignore);
    child.on('error', (error) => {
      process.stderr.write(`nepi: cannot run ${argv[0]} for ${access.where}: ${error.message}\n`);
      process.off('SIGINT', ignore);
      resolve(255);
    });
    child.on('close', (code, signal) => {
      process.off('SIGINT', ignore);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 1));
    });
  });
}
