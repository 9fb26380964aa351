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

export function applicationStep(step: StepName): StepFunction {
  const fn = LinuxApplication.steps[step];
  if (!fn) throw new Error(`linux::Application has no ${step} step`);
  return fn;
}

/** Quote `text` for bash. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}
