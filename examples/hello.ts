/**
 * A first experiment on the dummy backend, on the real clock: one node, a server that runs
 * for 2 s, and a client that starts 500 ms after the server STARTED. Prints each state
 * change as it happens, then every resource's state times.
 *
 *   npm run example
 */
import { ExperimentController, formatDuration } from '../src/index.js';

const ec = new ExperimentController({ expId: 'hello' });
const t0 = ec.clock.now();
const at = (time: number) => `+${formatDuration(Math.round(time - t0)).padStart(6)}`;

ec.onStateChange(({ guid, to, time, error }) => {
  console.log(`${at(time)}  ${guid.padEnd(7)} ${to}${error ? ` (${String(error)})` : ''}`);
});

const node = ec.registerResource('dummy::Node', { provisionTime: '200ms' }, { name: 'node' });
const server = ec.registerResource('dummy::Application', { deployTime: '100ms', runTime: '2s' }, { name: 'server' });
const client = ec.registerResource('dummy::Application', { runTime: '1s' }, { name: 'client' });
ec.registerConnection(node, server);
ec.registerConnection(node, client);
ec.registerCondition(client, 'START', server, 'STARTED', '500ms');

ec.deploy();
await ec.waitFinished([server, client]);
await ec.shutdown();

console.log(`\nexperiment ${ec.expId}, run ${ec.runId}: ${ec.status}`);
for (const guid of ec.resources) {
  const { type, state, times } = ec.getResource(guid);
  const line = Object.entries(times)
    .map(([s, time]) => `${s} ${at(time).trim()}`)
    .join(', ');
  console.log(`  ${guid.padEnd(7)} ${type.padEnd(19)} ${state.padEnd(9)} ${line}`);
}
