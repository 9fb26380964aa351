/** Resource types for the timeout and retry tests: steps that fail, hang or ignore their signal. */
import { defineResourceType, type StepContext } from '../../../src/index.js';

/**
 * `flaky::Node`: its deploy fails `failures` times (a count kept across tries), then takes
 * `deployTime` ms on the clock. Its start takes `startTime`, its stop `stopTime`.
 */
export const FlakyNode = defineResourceType({
  type: 'flaky::Node',
  help: 'A node whose deploy fails a given number of times before it works.',
  attributes: {
    failures: { type: 'integer', default: 0, help: 'How many tries of deploy fail.' },
    deployTime: { type: 'duration', default: 0, help: 'How long a deploy try takes.' },
    startTime: { type: 'duration', default: 0, help: 'How long start takes.' },
    stopTime: { type: 'duration', default: 0, help: 'How long stop takes.' },
  },
  steps: {
    deploy: async (ctx: StepContext) => {
      const tries = ((ctx.data['tries'] as number | undefined) ?? 0) + 1;
      ctx.data['tries'] = tries;
      const ms = ctx.get('deployTime') as number;
      if (ms > 0) await ctx.sleep(ms);
      if (tries <= (ctx.get('failures') as number)) throw new Error(`deploy try ${tries} failed on purpose`);
    },
    start: (ctx: StepContext) => ctx.sleep(ctx.get('startTime') as number),
    stop: (ctx: StepContext) => ctx.sleep(ctx.get('stopTime') as number),
  },
});

/** Every abort signal a `stubborn::Node` step saw, by guid. */
export const aborts = new Map<string, unknown[]>();

/** `stubborn::Node`: its deploy never settles and ignores its AbortSignal (it only notes the abort). */
export const StubbornNode = defineResourceType({
  type: 'stubborn::Node',
  help: 'A node whose deploy hangs forever, whatever its signal says.',
  steps: {
    deploy: (ctx: StepContext) => {
      ctx.signal.addEventListener('abort', () => aborts.set(ctx.guid, [...(aborts.get(ctx.guid) ?? []), ctx.signal.reason]));
      return new Promise<void>(() => {});
    },
  },
});
