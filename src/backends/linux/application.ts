/**
 * `linux::Application`: a command run by `bash -c` on the node it runs on, in its own process
 * group, under a wrapper that writes its exit status to a file (see process-wrapper.ts).
 *
 * Where it runs is its node's business: the application asks its node for its executor
 * (`ctx.node().executor`) and hands it what to run. A `linux::Node` runs it here or over SSH,
 * a `netns::Node` inside its namespace, any node type of one's own wherever it says.
 *
 * start launches it (stdout and stderr go to their trace files) and records it in
 * `process.json`; run waits for it to exit: code 0 is FINISHED, any other code or a signal
 * FAILED with the last lines of stderr; stop sends SIGTERM to the group and SIGKILL after
 * `stopTimeout`; release kills whatever of the group is still alive. Optional `files` are
 * copied into its folder at provision, and `depends` commands run once per node at deploy.
 */
import type { StepName } from '../../../machines/lifecycle.js';
import type { Launch } from '../../resources/executor.js';
import { defineResourceType } from '../../resources/resource-type.js';
import type { ResourceView, StepContext } from '../../resources/views.js';
import { linuxBackend } from './backend.js';
import { splitList } from './executor.js';

export { substitute } from './executor.js';

/** What to run for `ctx`: `command`, with the application's env, stdin and workdir. */
export function launchOf(ctx: Pick<ResourceView, 'get'>, command: string): Launch {
  return {
    command,
    env: (ctx.get('env') as Record<string, string> | undefined) ?? {},
    stdin: ctx.get('stdin') as string | undefined,
    workdir: ctx.get('workdir') as string | undefined,
  };
}

const filesOf = (resource: Pick<ResourceView, 'get'>) => splitList(resource.get('files') as string | undefined, /[\n,]/);
const dependsOf = (resource: Pick<ResourceView, 'get'>) => splitList(resource.get('depends') as string | undefined, /\n/);

function skipStep(step: StepName, resource: Pick<ResourceView, 'get'>): boolean {
  if (step === 'provision') return filesOf(resource).length === 0;
  if (step === 'deploy') return dependsOf(resource).length === 0;
  return false;
}

/** `linux::Application`: a command run by `bash -c` in its own process group on the node it runs on (local, over SSH, or in a namespace); exit 0 is FINISHED. */
export const LinuxApplication = defineResourceType({
  type: 'linux::Application',
  help: 'A command run by bash -c on the node it runs on (a linux::Node, on this machine or a remote host over SSH, a netns::Node, or any node type), in its own process group; exit 0 is FINISHED.',
  backend: linuxBackend,
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
  // exactly one node, of any type that is a node
  runsOn: true,
  steps: {
    provision: (ctx) => ctx.node().executor.upload(ctx, filesOf(ctx)),
    deploy: (ctx) => ctx.node().executor.depends(ctx, dependsOf(ctx)),
    start: (ctx) => ctx.node().executor.start(ctx, launchOf(ctx, ctx.get('command'))),
    run: (ctx) => ctx.node().executor.run(ctx),
    stop: (ctx) => ctx.node().executor.stop(ctx),
    release: (ctx) => ctx.node().executor.release(ctx),
  },
  skipStep,
  // stop applies stopTimeout itself: SIGKILL, not a failure, once it expired
  ownTimeout: ['stop'],
  probe: (resource) => resource.node().executor.probe(resource),
  reattach: (ctx, recorded) => ctx.node().executor.reattach(ctx as StepContext, recorded),
  // started again from STOPPED, it runs its command again; its traces go on (appended)
  restartable: true,
});
