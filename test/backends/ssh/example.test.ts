/**
 * examples/ssh-client-server.yaml end to end: its two "hosts" pointed at the test sshd (the
 * file says 127.0.0.1:2222 and /tmp/nepi-sshd/user_key; the test sets its own port and key).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExperimentFile } from '../../../src/index.js';
import { startSshd, type TestSshd } from '../../support/sshd.js';
import { leftovers, uniqueExpId } from './helpers.js';

let sshd: TestSshd;
let localDir: string;
beforeAll(async () => {
  sshd = await startSshd();
  localDir = mkdtempSync(join(tmpdir(), 'nepi-ssh-example-'));
});
afterAll(async () => {
  await sshd?.stop();
  rmSync(localDir, { recursive: true, force: true });
});

describe('examples/ssh-client-server.yaml', () => {
  it('runs the client and the server on two hosts over SSH; the server prints HOLA', async () => {
    const expId = uniqueExpId('ssh-example');
    const ec = await loadExperimentFile(join(import.meta.dirname, '../../../examples/ssh-client-server.yaml'), { localDir, expId });
    expect(ec.get('host1', 'port')).toBe(2222);
    for (const host of ['host1', 'host2']) {
      ec.set(host, 'port', sshd.port);
      ec.set(host, 'identity', sshd.identity);
    }
    const summary = await ec.run();
    expect(summary.status).toBe('released');
    expect(summary.failures).toEqual([]);
    expect(readFileSync(join(ec.runDir, 'server', 'stdout'), 'utf8')).toBe('HOLA\n');
    expect(readFileSync(join(ec.runDir, 'client', 'stdout'), 'utf8')).toMatch(/^sent HOLA to port \d+\n$/);
    const times = (guid: string) => ec.getResource(guid).times;
    expect(times('client').STARTED! - times('server').STARTED!).toBeGreaterThanOrEqual(1000);
    expect(await leftovers(expId, ec.runDir)).toEqual([]);
  });
});
