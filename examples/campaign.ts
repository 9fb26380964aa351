/**
 * A campaign from TypeScript (docs/campaigns.md): a dummy experiment whose "measurement" is
 * how late the client really started after its 50 ms condition, swept over the server's
 * deploy time and repeated until the mean converges under Student's t rule.
 *
 *   npx tsc -p tsconfig.json && node dist/examples/campaign.js
 */
import { ExperimentController, runExperiment } from '../src/index.js';

const result = await runExperiment(
  ({ parameters, options }) => {
    const ec = new ExperimentController(options);
    const node = ec.registerResource('dummy::Node', {}, { name: 'node' });
    const server = ec.registerResource('dummy::Application', { deployTime: parameters['deploy'], runTime: '100ms' }, { name: 'server' });
    const client = ec.registerResource('dummy::Application', { runTime: '10ms' }, { name: 'client' });
    ec.registerConnection(node, server);
    ec.registerConnection(node, client);
    ec.registerCondition(client, 'START', server, 'STARTED', '50ms');
    return ec;
  },
  {
    expId: 'campaign-example',
    sweep: { deploy: ['10ms', '40ms'] },
    untilConverged: true,
    minRuns: 3,
    maxRuns: 30,
    interval: 't',
    precision: 0.05,
    // the metric: milliseconds from the server's STARTED to the client's, as recorded
    metric: ({ summary }) => summary.resources['client']!.times.STARTED! - summary.resources['server']!.times.STARTED!,
  },
);

for (const combination of result.combinations) {
  const { mean, halfWidth, n } = combination.interval!;
  console.log(`deploy=${String(combination.parameters['deploy'])}: ${mean.toFixed(2)} ± ${halfWidth.toFixed(2)} ms (n=${n}, ${combination.stopped})`);
}
console.log(`${result.runs} runs, results in ${result.dir}`);
