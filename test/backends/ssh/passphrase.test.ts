/**
 * An encrypted identity key, opened with the node's `passphrase`: a credential, so the
 * passphrase is in no file of the run directory, and a wrong one fails at discover with a
 * message that does not show it.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { filesUnder } from '../../support/files-under.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExperimentController } from '../../../src/index.js';
import { startSshd, type TestSshd } from '../../support/sshd.js';
import { uniqueExpId } from './helpers.js';

const PASSPHRASE = 'open-sesame-7c1e';
let sshd: TestSshd;
let dir: string;
let key: string;
beforeAll(async () => {
  sshd = await startSshd();
  dir = mkdtempSync(join(tmpdir(), 'nepi-passphrase-'));
  key = join(dir, 'locked_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', PASSPHRASE, '-C', 'nepi-test-locked', '-f', key]);
  // the test server takes this key too (it reads authorized_keys at each login)
  appendFileSync(join(dirname(sshd.identity), 'authorized_keys'), readFileSync(`${key}.pub`));
});
afterAll(async () => {
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('linux::Node passphrase', () => {
  it('opens an encrypted identity key, and is written in no file of the run', async () => {
    const ec = new ExperimentController({ localDir: join(dir, 'runs'), expId: uniqueExpId('passphrase') });
    ec.registerResource('linux::Node', sshd.node({ identity: key, passphrase: PASSPHRASE }), { name: 'host' });
    ec.registerResource('linux::Application', { command: 'echo opened' }, { name: 'app' });
    ec.registerConnection('host', 'app');
    const summary = await ec.run();
    expect(summary.status).toBe('released');
    expect(summary.failures).toEqual([]);
    expect(await ec.trace('app', 'stdout')).toBe('opened\n');
    for (const file of filesUnder(ec.runDir)) expect(readFileSync(file, 'utf8').includes(PASSPHRASE), file).toBe(false);
    expect(JSON.parse(readFileSync(join(ec.runDir, 'experiment.json'), 'utf8')).resources.host.attributes.passphrase).toBe('***');
  });

  it('fails at discover with a wrong passphrase, saying so without showing it', async () => {
    const ec = new ExperimentController({ localDir: join(dir, 'runs'), expId: uniqueExpId('passphrase') });
    const wrong = 'not-the-one-3b9a';
    ec.registerResource('linux::Node', sshd.node({ identity: key, passphrase: wrong }), { name: 'host' });
    const summary = await ec.run();
    expect(summary.status).toBe('aborted');
    const failure = summary.failures[0]!;
    expect(failure).toMatchObject({ guid: 'host', step: 'discover' });
    expect(failure.error).toMatch(/cannot use key .*locked_key/);
    expect(failure.error).not.toContain(wrong);
    for (const file of filesUnder(ec.runDir)) expect(readFileSync(file, 'utf8').includes(wrong), file).toBe(false);
  });
});
