/**
 * `reattach` of linux::Application, local and over SSH: a second controller on the same run
 * directory finds the process the first one started (process.json), tells "still running"
 * from "ended with status X" (the wrapper's exit file), and waits for its end without being
 * its parent.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExperimentController, LinuxApplication } from '../../../src/index.js';
import type { StepHandle } from '../../../src/resources/resource-logic.js';

/** The context linux::Application's own steps take. */
type LinuxContext = Parameters<NonNullable<typeof LinuxApplication.reattach>>[0];
import { startSshd, type TestSshd } from '../../support/sshd.js';
import { leftovers, uniqueExpId } from './helpers.js';

let sshd: TestSshd;
let localDir: string;
beforeAll(async () => {
  sshd = await startSshd();
  localDir = mkdtempSync(join(tmpdir(), 'nepi-reattach-'));
});
afterAll(async () => {
  await sshd?.stop();
  rmSync(localDir, { recursive: true, force: true });
});

// not critical: the first controller must not abort (and release) when 'waiting' fails
const APPS = {
  waiting: { command: 'while [ ! -e go ]; do sleep 0.05; done; echo bye >&2; exit 3', critical: false },
  done: { command: 'echo done', critical: false },
  never: { command: 'true', critical: false },
};

function build(expId: string, node: Record<string, unknown>, runId?: string): ExperimentController {
  const ec = new ExperimentController({ localDir, expId, ...(runId ? { runId, record: false } : {}) });
  ec.registerResource('linux::Node', node, { name: 'node' });
  for (const [name, attributes] of Object.entries(APPS)) {
    ec.registerResource('linux::Application', attributes, { name });
    ec.registerConnection('node', name);
  }
  return ec;
}

/** The context a step of `guid` gets in `ec` (as the lifecycle kit builds it). */
function contextOf(ec: ExperimentController, guid: string, signal = new AbortController().signal): LinuxContext {
  const actor = ec.actor.getSnapshot().context.actors.get(guid)!;
  const handle = (actor.getSnapshot() as { context: { handle: StepHandle } }).context.handle;
  return handle.stepContext('run', signal) as unknown as LinuxContext;
}

for (const where of ['local', 'remote'] as const) {
  describe(`linux::Application reattach (${where})`, () => {
    it('finds a running process, waits for its end, and reads how processes ended', async () => {
      const expId = uniqueExpId(`reattach-${where}`);
      const node = where === 'local' ? {} : sshd.node();
      const first = build(expId, node);
      first.deploy(['node', 'waiting', 'done']);
      await first.waitFinished('done');
      await first.waitStarted('waiting');
      const record = JSON.parse(readFileSync(join(first.runDir, 'waiting', 'process.json'), 'utf8'));
      expect(record).toMatchObject({ host: where === 'local' ? 'local' : '127.0.0.1', pgid: record.pid });
      expect(record.startTime).toMatch(/^\d+$/);

      // a second controller on the same run directory, as `nepi resume` makes
      const second = build(expId, node, first.runId);
      const waiting = contextOf(second, 'waiting');
      expect(await LinuxApplication.reattach!(waiting, { state: 'STARTED' })).toEqual({ status: 'running' });
      expect(await LinuxApplication.reattach!(contextOf(second, 'done'), { state: 'FINISHED' })).toEqual({ status: 'ended', ok: true });
      expect(await LinuxApplication.reattach!(contextOf(second, 'never'), { state: 'READY' })).toMatchObject({ status: 'gone' });

      // its run waits for the end, though this controller is not the process's parent
      let settled = false;
      const run = Promise.resolve(LinuxApplication.steps.run!(waiting)).finally(() => (settled = true));
      run.catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(settled).toBe(false);
      const dir = where === 'local' ? join(first.runDir, 'waiting') : join(homedir(), '.nepi', expId, first.runId, 'waiting');
      writeFileSync(join(dir, 'go'), '');
      await expect(run).rejects.toThrow('command exited with code 3');

      // and a third one finds it ended, with its status
      const third = build(expId, node, first.runId);
      const ended = await LinuxApplication.reattach!(contextOf(third, 'waiting'), { state: 'STARTED' });
      expect(ended).toMatchObject({ status: 'ended', ok: false });
      expect((ended as { reason: string }).reason).toContain('command exited with code 3');

      await third.shutdown();
      await second.shutdown();
      await first.shutdown();
      if (where === 'remote') expect(await leftovers(expId, first.runDir)).toEqual([]);
    });
  });
}
