/**
 * Types that are a `linux::Application` with a command built from their own attributes
 * (`linux::Ping`, `linux::Tcpdump`): they run through its steps, on a linux::Node or inside a
 * netns::Node, with the same traces and process handling.
 */
import type { StepName } from '../../../machines/lifecycle.js';
import type { StepContext, StepFunction } from '../../resources/resource-type.js';
import { NepiError } from '../../errors.js';
import { LinuxApplication } from '../local/application.js';
import { isRemoteNode } from '../local/node.js';

/** `ctx` as a linux::Application whose `command` is `command`. */
export function asApplication(ctx: StepContext, command: string): StepContext {
  return { ...ctx, get: (name: string) => (name === 'command' ? command : ctx.get(name)) };
}

/**
 * `ctx` as a linux::Application running the command `build` makes: built once, at start, and
 * kept in `ctx.data` so that the later steps see the same command.
 */
export function withCommand(ctx: StepContext, build: (ctx: StepContext) => string): StepContext {
  const text = (ctx.data['command'] as string | undefined) ?? build(ctx);
  ctx.data['command'] = text;
  return asApplication(ctx, text);
}

/** For run, stop and release: `ctx` as the linux::Application that was started, if it was. */
export function asStarted(ctx: StepContext): StepContext {
  return asApplication(ctx, (ctx.data['command'] as string | undefined) ?? '');
}

export function applicationStep(step: StepName): StepFunction {
  const fn = LinuxApplication.steps[step];
  if (!fn) throw new Error(`linux::Application has no ${step} step`);
  return fn;
}

/** Quote `text` for bash. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * discover of these tools: they read their results and write their captures on this machine,
 * so a remote linux::Node (SSH) is refused with an error that says so, not run half-working.
 */
export function refuseRemoteNode(ctx: StepContext): void {
  const [node] = ctx.connections('linux::Node');
  if (node && isRemoteNode(node)) {
    throw new NepiError(
      `${ctx.type} runs on this machine's linux::Node or in a netns::Node; node '${node.guid}' is a remote host (${String(node.get('hostname'))}): use a linux::Application running ping or tcpdump there instead`,
      { guid: ctx.guid, type: ctx.type },
    );
  }
}
