/**
 * Listening to the controller's user-condition reports: they are emitted only while someone
 * listens (the controller counts listeners through `conditions.report`), so an experiment
 * nobody watches pays nothing for them.
 */
import type { ConditionEvent, ControllerActor } from '../../machines/controller.js';

/** Call `listener` with every condition report of `actor` until the returned function is called (once counts). */
export function listenToConditions(actor: ControllerActor, listener: (event: ConditionEvent) => void): () => void {
  const subscription = actor.on('condition', listener);
  const report = (on: boolean) => actor.getSnapshot().status === 'active' && actor.send({ type: 'conditions.report', on });
  report(true);
  let subscribed = true;
  return () => {
    if (!subscribed) return;
    subscribed = false;
    subscription.unsubscribe();
    report(false);
  };
}
