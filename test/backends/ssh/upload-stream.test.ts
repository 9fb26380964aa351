/**
 * A folder in `files` goes to the host as a tar stream that does not hold up the controller:
 * the local `tar -c` runs beside the event loop, its output streamed into the session. Here
 * a slow local tar (a `tar` first on PATH that waits 1.5 s before it writes) must not stop
 * timers meanwhile, and the folder arrives whole.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExperimentController } from '../../../src/index.js';
import { startSshd, type TestSshd } from '../../support/sshd.js';
import { leftovers, uniqueExpId } from './helpers.js';

let sshd: TestSshd;
let localDir: string;
let expId: string;
const path = process.env['PATH'];
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => sshd?.stop());
beforeEach(() => {
  localDir = mkdtempSync(join(tmpdir(), 'nepi-ssh-upload-'));
  expId = uniqueExpId('ssh-upload');
});
afterEach(() => {
  process.env['PATH'] = path;
  rmSync(localDir, { recursive: true, force: true });
  rmSync(join(homedir(), '.nepi', expId), { recursive: true, force: true });
});

describe('uploading a folder', () => {
  it('streams a local tar into the session without blocking the event loop', async () => {
    const folder = join(localDir, 'tree');
    mkdirSync(join(folder, 'sub'), { recursive: true });
    const big = Buffer.alloc(4 << 20, 'x');
    writeFileSync(join(folder, 'sub', 'big.bin'), big);
    // a slow tar for the controller's side only (the host's sessions get sshd's PATH)
    const bin = join(localDir, 'bin');
    mkdirSync(bin);
    const realTar = execFileSync('sh', ['-c', 'command -v tar'], { encoding: 'utf8' }).trim();
    writeFileSync(join(bin, 'tar'), `#!/bin/sh\nsleep 1.5\nexec ${realTar} "$@"\n`);
    chmodSync(join(bin, 'tar'), 0o755);
    process.env['PATH'] = `${bin}:${path}`;

    const ec = new ExperimentController({ localDir, expId });
    ec.registerResource('linux::Node', sshd.node(), { name: 'host' });
    ec.registerResource('linux::Application', { command: 'wc -c < tree/sub/big.bin', files: folder }, { name: 'app' });
    ec.registerConnection('host', 'app');
    let last = performance.now();
    let longest = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 20);
    try {
      ec.deploy();
      await ec.waitFinished('app');
    } finally {
      clearInterval(ticker);
    }
    expect(ec.state('app')).toBe('FINISHED');
    expect((await ec.trace('app', 'stdout')).trim()).toBe(String(big.length));
    expect(readFileSync(join(homedir(), '.nepi', expId, ec.runId, 'app', 'tree', 'sub', 'big.bin')).equals(big)).toBe(true);
    // a tar run on the event loop stops every timer for its 1.5 s
    expect(longest).toBeLessThan(1000);
    process.env['PATH'] = path;
    await ec.shutdown();
    expect(await leftovers(expId, ec.runDir)).toEqual([]);
  });
});
