/**
 * Stall detection for `ExperimentController.run()`: the run is stuck when nothing can happen
 * any more — no step runs, no delay or timeout is pending, no action is due — while some of
 * the resources it waits for have not got where it waits for them (a condition that can
 * never hold: "deploy b once a FAILED" when a does not fail). Checked once after each burst
 * of the controller's transitions (a macrotask later), never by polling.
 */
import type { AnyActorRef } from 'xstate';
import type { ControllerActor } from '../../machines/controller.js';

/** Whether a resource actor is in the middle of something (a step runs, or a resume is pending): tagged `busy`. */
function busy(actor: AnyActorRef): boolean {
  return (actor.getSnapshot() as { hasTag(tag: string): boolean }).hasTag('busy');
}

/** Whether the controller can make no more progress by itself. */
export function isStalled(controller: ControllerActor, hint: { next: number }): boolean {
  const snapshot = controller.getSnapshot();
  if (snapshot.status !== 'active') return false;
  const { context } = snapshot;
  if (context.deadlines.size > 0 || context.ready.pending || context.ready.head < context.ready.queue.length) return false;
  // start from the resource found busy last time: it is likely still busy
  const actors = [...context.actors.values()];
  for (let i = 0; i < actors.length; i++) {
    const at = (hint.next + i) % actors.length;
    if (busy(actors[at]!)) {
      hint.next = at;
      return false;
    }
  }
  return true;
}

/**
 * Call `onStall` whenever the controller stalls, checking after its transitions and once
 * now. Returns the function that stops watching.
 */
export function watchStall(controller: ControllerActor, onStall: () => void): () => void {
  let scheduled: NodeJS.Immediate | undefined;
  let done = false;
  const hint = { next: 0 };
  const check = () => {
    scheduled = undefined;
    if (done || !isStalled(controller, hint)) return;
    // what onStall does (fail resources) makes transitions: the watch goes on after it
    onStall();
  };
  const schedule = () => {
    if (!done && scheduled === undefined) scheduled = setImmediate(check);
  };
  // every transition of the controller (a state report, a deadline that fired, ...)
  const subscription = controller.subscribe(schedule);
  schedule();
  return () => {
    done = true;
    subscription.unsubscribe();
    if (scheduled !== undefined) clearImmediate(scheduled);
  };
}
