/**
 * Start the service of service.ts on PORT (default 8080), run directories under NEPI_RUNS
 * (default nepi-runs/). Ctrl-C interrupts the runs still going, releases them and exits.
 *
 *   npm run build && node dist/examples/embed-node/main.js
 */
import { createRunService } from './service.js';

const port = Number(process.env['PORT'] ?? 8080);
const service = createRunService({ localDir: process.env['NEPI_RUNS'] ?? 'nepi-runs' });
service.server.listen(port, '127.0.0.1', () => console.log(`nepi run service on http://127.0.0.1:${port}/runs`));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`${signal}: releasing the runs still going`);
    void service.close(signal);
  });
}
