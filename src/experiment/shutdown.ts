/**
 * The end of a run: release what is still deployed, stop the controller, dispose of the
 * backends' sessions and write the run's closing records (summary, timeline).
 */
import type { ControllerActor } from '../../machines/controller.js';
import type { RunSummary } from '../run/summary.js';
import type { ExperimentModel } from './model.js';
import type { Recorder } from './recorder.js';

export interface ShutdownParts {
  readonly actor: ControllerActor;
  readonly model: ExperimentModel;
  readonly recorder: Recorder;
  readonly release: () => Promise<void>;
  readonly summary: () => RunSummary;
}

/** Shut the run down once; returns the complete summary (with the nodes' last addresses and any disposal problems). */
export async function shutDown({ actor, model, recorder, release, summary }: ShutdownParts): Promise<RunSummary> {
  let addresses: Record<string, readonly string[]> = {}; // as the nodes had them, before their links go
  if (actor.getSnapshot().status === 'active') {
    addresses = model.addresses();
    await release();
    actor.send({ type: 'shutdown' });
  }
  const problems = await model.sessions.disposeAll();
  const complete = { ...summary(), ...(Object.keys(addresses).length > 0 ? { addresses } : {}), ...(problems.length > 0 ? { problems } : {}) };
  await recorder.close(complete);
  return complete;
}
