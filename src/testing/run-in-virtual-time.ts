/**
 * Run a whole experiment in virtual time: build it on a controller driven by a VirtualClock,
 * deploy it, let every timer fire, and return every resource's state times.
 */
import { ExperimentController, type ExperimentControllerOptions } from '../experiment/experiment-controller.js';
import type { ResourceInfo } from '../experiment/experiment-controller.js';
import { VirtualClock } from './virtual-clock.js';

export interface VirtualRun {
  readonly ec: ExperimentController;
  readonly clock: VirtualClock;
  /** Every resource as it ended, by guid. */
  readonly resources: Readonly<Record<string, ResourceInfo>>;
}

export async function runInVirtualTime(
  build: (ec: ExperimentController) => void | Promise<void>,
  options: Omit<ExperimentControllerOptions, 'clock'> & { release?: boolean } = {},
): Promise<VirtualRun> {
  const clock = new VirtualClock();
  const ec = new ExperimentController({ record: false, ...options, clock });
  await build(ec);
  if (ec.status === 'running' && ec.resources.some((guid) => ec.state(guid) === 'NEW')) ec.deploy();
  await clock.runAll();
  if (options.release ?? true) {
    const done = ec.shutdown();
    await clock.runAll();
    await done;
  }
  const resources = Object.fromEntries(ec.resources.map((guid) => [guid, ec.getResource(guid)]));
  return { ec, clock, resources };
}
