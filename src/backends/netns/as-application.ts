/**
 * Types that are a `linux::Application` with a command built from their own attributes
 * (`linux::Ping`, `linux::Tcpdump`): they run through its steps, on a linux::Node or inside a
 * netns::Node, with the same traces and process handling.
 */
import type { StepName } from '../../../machines/lifecycle.js';
import type { StepContext, StepFunction } from '../../resources/resource-type.js';
import { LinuxApplication } from '../local/application.js';

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
