import { ExperimentController } from '../src/index.js';
import { VirtualClock } from '../src/testing/index.js';

/** A controller on a fresh virtual clock. */
export function virtualExperiment(): { ec: ExperimentController; clock: VirtualClock } {
  const clock = new VirtualClock();
  return { ec: new ExperimentController({ clock, record: false }), clock };
}

/** Let every timer fire, then await `promise`. */
export async function settle<T>(clock: VirtualClock, promise: Promise<T>): Promise<T> {
  await clock.runAll();
  return promise;
}

/** A dummy node with `apps` applications connected to it. */
export function nodeWithApps(
  ec: ExperimentController,
  apps: number,
  appAttributes: Record<string, unknown> = {},
  nodeAttributes: Record<string, unknown> = {},
): { node: string; apps: string[] } {
  const node = ec.registerResource('dummy::Node', nodeAttributes);
  const guids: string[] = [];
  for (let i = 0; i < apps; i++) {
    const app = ec.registerResource('dummy::Application', appAttributes);
    ec.registerConnection(node, app);
    guids.push(app);
  }
  return { node, apps: guids };
}
