/**
 * The restart of a linux::Application, the same on every node (local or over SSH): started
 * again from STOPPED, its command runs again and its traces go on.
 */
import { expect } from 'vitest';
import type { ExperimentController } from '../../src/index.js';
import { until } from './ssh/helpers.js';

/** Run the case on the experiment `experiment` builds: one application `app` on its node. */
export async function restartsAndAppends(experiment: (apps: Record<string, Record<string, unknown>>) => ExperimentController): Promise<void> {
  const ec = experiment({ app: { command: 'echo "run $$"; echo err >&2; exec sleep 30', stopTimeout: '2s' } });
  ec.deploy();
  const runs = async () => (await ec.trace('app', 'stdout')).split('\n').filter((line) => line.startsWith('run '));
  await ec.waitStarted('app');
  await until(async () => (await runs()).length === 1, 'the first run to print');
  ec.stop('app');
  await ec.waitFinished('app');
  expect(ec.state('app')).toBe('STOPPED');
  ec.start('app');
  await ec.wait('app', 'STARTED');
  await until(async () => (await runs()).length === 2, 'the second run to print');
  ec.stop('app');
  await ec.wait('app', 'STOPPED');
  const [first, second] = await runs();
  expect(first).not.toBe(second);
  expect((await ec.trace('app', 'stderr')).split('\n').filter((line) => line === 'err')).toHaveLength(2);
  await ec.shutdown();
}
