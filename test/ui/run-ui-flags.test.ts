import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXAMPLES, nepi } from '../cli/cli.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nepi-ui-flags-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('nepi run --ui flags', () => {
  it('with --ui-exit, prints the address and exits with the run’s code when it ends', async () => {
    const result = await nepi(['run', join(EXAMPLES, 'failing.yaml'), '--ui', '--ui-exit', '--local-dir', dir]);
    expect(result.stdout).toMatch(/^live view: http:\/\/127\.0\.0\.1:\d+\/$/m);
    expect(result.stdout).toContain('status: aborted');
    expect(result.stdout).not.toContain('still serving');
    expect(result.code).toBe(1);
  });

  it('exits with 2 before running anything when the port is taken or not a port', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const busy = await nepi(['run', join(EXAMPLES, 'client-server.yaml'), '--ui', '--port', String(port), '--local-dir', dir]);
      expect(busy.code).toBe(2);
      expect(busy.stderr).toBe(`nepi: cannot serve on 127.0.0.1:${port}: the port is already in use; pick another with --port\n`);
    } finally {
      taken.close();
    }
    const bad = await nepi(['run', join(EXAMPLES, 'client-server.yaml'), '--ui', '--port', 'abc', '--local-dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('nepi: Expected `--port` to be an integer from 0 to 65535, got `abc`\n');
    expect(readdirSync(dir)).toEqual([]); // nothing ran
  });
});
