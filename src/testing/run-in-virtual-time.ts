/**
 * Run a whole experiment in virtual time: build it on a controller driven by a VirtualClock,
 * deploy it, let every timer fire, and return every resource's state times.
 */
import { ExperimentController, type ExperimentControllerOptions } from '../experiment/experiment-controller.js';
import type { ResourceInfo } from '../experiment/experiment-controller.js';
import { VirtualClock } from './virtual-clock.js';

/** What {@link runInVirtualTime} gives back: the controller, its clock, and every resource as it ended. */
export interface VirtualRun {
  readonly ec: ExperimentController;
  readonly clock: VirtualClock;
  /** Every resource as it ended, by guid. */
  readonly resources: Readonly<Record<string, ResourceInfo>>;
}

/**
 * Build an experiment on a controller driven by a {@link VirtualClock} (recording off), deploy it, fire every timer, release it (unless `release: false`), and return each resource's state times. Virtual seconds take no real time.
 * @example
 * ```ts
 * const { resources } = await runInVirtualTime((ec) => {
 *   const node = ec.registerResource('dummy::Node', { deployTime: '5s' }, { name: 'node' });
 *   const app = ec.registerResource('dummy::Application', { runTime: '1m' }, { name: 'app' });
 *   ec.registerConnection(node, app);
 * });
 * console.log(resources['app']?.times.FINISHED);
 * ```
 */
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
