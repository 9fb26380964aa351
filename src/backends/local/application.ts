/**
 * `linux::Application`: a command run by `bash -c` on its node, in its own process group,
 * under a wrapper that writes its exit status to a file (see process-wrapper.ts).
 *
 * start launches it (stdout and stderr go to their trace files) and records it in
 * `process.json`; run waits for it to exit: code 0 is FINISHED, any other code or a signal
 * FAILED with the last lines of stderr; stop sends SIGTERM to the group and SIGKILL after
 * `stopTimeout`; release kills whatever of the group is still alive. Optional `files` are
 * copied into its folder at provision, and `depends` commands run once per node at deploy.
 *
 * Where it runs is the executor's business: this host (local-executor.ts), or the node's host
 * over SSH (../ssh/remote-executor.ts) when the node is remote (see `isRemoteNode`).
 */
import type { StepName } from '../../../machines/lifecycle.js';
import { defineResourceType, type ProbeContext, type ResourceView, type StepContext } from '../../resources/resource-type.js';
import { remoteExecutor } from '../ssh/remote-executor.js';
import { splitList, type AppExecutor, type Launch } from './executor.js';
import { localExecutor } from './local-executor.js';
import { isRemoteNode } from './node.js';
import { commandPrefixFor } from '../netns/exec-prefix.js';

export { substitute } from './executor.js';

/** The executor for the node `resource` is connected to. */
function executor(resource: { connections(type?: string): readonly ResourceView[] }): AppExecutor {
  const node = resource.connections('linux::Node')[0];
  return node && isRemoteNode(node) ? remoteExecutor : localExecutor;
}

/**
 * Argv put before the command's wrapper on a local node (e.g. `ip netns exec <ns>` for an
 * application that runs in a network namespace). Empty on a plain linux::Node.
 */
function commandPrefix(ctx: StepContext): string[] {
  return commandPrefixFor(ctx);
}

function launch(ctx: StepContext): Launch {
  return {
    command: ctx.get('command') as string,
    env: (ctx.get('env') as Record<string, string> | undefined) ?? {},
    stdin: ctx.get('stdin') as string | undefined,
    workdir: ctx.get('workdir') as string | undefined,
    prefix: commandPrefix(ctx),
  };
}

const filesOf = (resource: ResourceView) => splitList(resource.get('files') as string | undefined, /[\n,]/);
const dependsOf = (resource: ResourceView) => splitList(resource.get('depends') as string | undefined, /\n/);

const steps = {
  provision: (ctx: StepContext) => executor(ctx).upload(ctx, filesOf(ctx)),
  deploy: (ctx: StepContext) => executor(ctx).depends(ctx, dependsOf(ctx)),
  start: (ctx: StepContext) => executor(ctx).start(ctx, launch(ctx)),
  run: (ctx: StepContext) => executor(ctx).run(ctx),
  stop: (ctx: StepContext) => executor(ctx).stop(ctx),
  release: (ctx: StepContext) => executor(ctx).release(ctx),
};

function skipStep(step: StepName, resource: ResourceView): boolean {
  if (step === 'provision') return filesOf(resource).length === 0;
  if (step === 'deploy') return dependsOf(resource).length === 0;
  return false;
}

function probe(resource: ProbeContext): Promise<string[]> | string[] {
  return executor(resource).probe(resource);
}

export const LinuxApplication = defineResourceType({
  type: 'linux::Application',
  help: 'A command run by bash -c on its node (a linux::Node, on this machine or a remote host over SSH, or a netns::Node), in its own process group; exit 0 is FINISHED.',
  attributes: {
    command: { type: 'string', required: true, help: 'The command, run by bash -c; ${RUN_DIR} and ${APP_DIR} are replaced.' },
    env: { type: 'map', help: 'Environment variables added to the inherited environment.' },
    workdir: { type: 'string', help: "The working directory (default: the application's folder in the run directory)." },
    stdin: { type: 'string', help: 'Text fed to the process on its standard input.' },
    files: {
      type: 'string',
      help: "Local files or folders copied into the application's folder before it starts (at provision), separated by commas or newlines.",
    },
    depends: {
      type: 'string',
      help: 'Commands run once per node before its first application (at deploy), one a line, e.g. package installs.',
    },
    stopTimeout: {
      type: 'duration',
      default: 5000,
      help: 'How long stop waits after SIGTERM before it kills the process group with SIGKILL (the stop still succeeds).',
    },
  },
  traces: {
    stdout: { help: "The process's standard output." },
    stderr: { help: "The process's standard error." },
  },
  // exactly one node: a linux::Node, or a netns::Node (see ../netns/exec-prefix.ts)
  connectsTo: { 'linux::Node|netns::Node': { min: 1, max: 1 } },
  dependsOn: ['linux::Node', 'netns::Node', 'netns::Node > netns::Link', 'netns::Node > netns::Switch'],
  steps,
  skipStep,
  // stop applies stopTimeout itself: SIGKILL, not a failure, once it expired
  ownTimeout: ['stop'],
  probe,
  reattach: (ctx, recorded) => executor(ctx).reattach(ctx, recorded),
});
