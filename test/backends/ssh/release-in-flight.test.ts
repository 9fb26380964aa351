/**
 * A release that comes while an application's start over SSH is in flight (a critical
 * failure aborts the run meanwhile): the release waits for the start, so that nothing it made
 * on the host (its folder, its process) is left behind, and the node's release then removes
 * the run's folder. The failure is injected by wrapping linux::Application, as the fault
 * matrix does (test/faults/matrix.ts).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { liveMembers } from '../../../src/backends/linux/transport/local/process-groups.js';
import { ExperimentController, LinuxApplication, LinuxNode } from '../../../src/index.js';
import { TypeRegistry } from '../../../src/resources/registry.js';
import type { ResourceType, StepContext } from '../../../src/resources/resource-type.js';
import type { LinuxSession } from '../../../src/index.js';
import { startSshd, type TestSshd } from '../../support/sshd.js';
import { leftovers, processesOf, uniqueExpId, until } from './helpers.js';

let sshd: TestSshd;
let localDir: string;
let expId: string;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => sshd?.stop());
beforeEach(() => {
  localDir = mkdtempSync(join(tmpdir(), 'nepi-ssh-inflight-'));
  expId = uniqueExpId('ssh-inflight');
});
afterEach(() => {
  rmSync(localDir, { recursive: true, force: true });
  // a failed test must leave nothing behind either: its processes, its folder
  // (the wrappers name the folder; each leads its application's group)
  for (const pid of processesOf(expId)) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        /* gone, or not a group leader */
      }
    }
  }
  rmSync(join(homedir(), '.nepi', expId), { recursive: true, force: true });
});

/** linux::Application whose start, for `bad`, throws at once, or after `before`. */
function failingStart(before?: (ctx: StepContext) => Promise<void>): ResourceType {
  const start = LinuxApplication.steps.start!;
  return {
    ...LinuxApplication,
    steps: {
      ...LinuxApplication.steps,
      start: async (ctx) => {
        if (ctx.guid !== 'bad') return start(ctx);
        if (before) await before(ctx);
        throw new Error('injected failure at start');
      },
    },
  };
}

function experiment(app: ResourceType, siblings: readonly string[]): ExperimentController {
  const registry = new TypeRegistry();
  registry.register(LinuxNode);
  registry.register(app);
  const ec = new ExperimentController({ registry, localDir, expId });
  ec.registerResource('linux::Node', sshd.node(), { name: 'host' });
  ec.registerResource('linux::Application', { command: 'sleep 30' }, { name: 'bad' });
  ec.registerConnection('host', 'bad');
  for (const name of siblings) {
    ec.registerResource('linux::Application', { command: 'sleep 30', critical: false }, { name });
    ec.registerConnection('host', name);
  }
  return ec;
}

/** The state each resource was released from (events.ndjson). */
function releasedFrom(runDir: string): Record<string, string> {
  const from: Record<string, string> = {};
  for (const line of readFileSync(join(runDir, 'events.ndjson'), 'utf8').split('\n')) {
    if (line === '') continue;
    const record = JSON.parse(line) as { kind?: string; guid: string; from: string; to: string };
    if (record.kind === undefined && record.to === 'RELEASED') from[record.guid] = record.from;
  }
  return from;
}

describe('a release during an in-flight start over SSH', () => {
  it('leaves no folder and no process when it comes before the start reached the host', async () => {
    // bad fails in the same tick as the siblings' starts begin: the abort releases them while
    // their starts still wait for the connection (the sibling's folder was left every time)
    const siblings = ['s1', 's2', 's3'];
    const ec = experiment(failingStart(), siblings);
    const summary = await ec.run();
    expect(summary.status).toBe('aborted');
    const from = releasedFrom(ec.runDir);
    expect(from['bad']).toBe('FAILED');
    for (const sibling of siblings) expect(['READY', 'STARTED']).toContain(from[sibling]);
    expect(await leftovers(expId, ec.runDir)).toEqual([]);
  });

  it('kills the process and removes the folder when the launch was already sent', async () => {
    // bad fails once the sibling's start script wrote its pid on the host: the launch is sent,
    // its answer may not be back yet when the release comes
    const ec = experiment(
      failingStart(async (ctx) => {
        const pidFile = join(homedir(), '.nepi', ctx.expId, ctx.runId, 'sibling', 'pid');
        await until(() => existsSync(pidFile), `${pidFile} on the host`);
      }),
      ['sibling'],
    );
    const summary = await ec.run();
    expect(summary.status).toBe('aborted');
    expect(releasedFrom(ec.runDir)['sibling']).toMatch(/^(READY|STARTED)$/);
    expect(await leftovers(expId, ec.runDir)).toEqual([]);
  });

  it('kills a launch whose pid never came back, as the pid file on the host names it', async () => {
    const start = LinuxApplication.steps.start!;
    const lost: ResourceType = {
      ...LinuxApplication,
      steps: {
        ...LinuxApplication.steps,
        start: async (ctx) => {
          await start(ctx);
          // as if the start script's answer were lost (a dropped connection): the process is unknown
          delete ctx.data['process'];
          throw new Error("the start script's answer was lost");
        },
      },
    };
    const registry = new TypeRegistry();
    registry.register(LinuxNode);
    registry.register(lost);
    const ec = new ExperimentController({ registry, localDir, expId });
    ec.registerResource('linux::Node', sshd.node(), { name: 'host' });
    ec.registerResource('linux::Application', { command: 'sleep 1000', critical: false }, { name: 'app' });
    ec.registerConnection('host', 'app');
    const summary = await ec.run();
    expect(summary.failures.map((f) => `${f.guid}@${f.step}`)).toEqual(['app@start']);
    // process.json was written by the launch: the group the release had to find on its own
    const { pgid } = JSON.parse(readFileSync(join(ec.runDir, 'app', 'process.json'), 'utf8')) as { pgid: number };
    expect(liveMembers(pgid)).toEqual([]);
    expect(await leftovers(expId, ec.runDir)).toEqual([]);
  });

  it("has the node's release remove an application's folder that the application's release did not know", async () => {
    // as after a resume of a run killed while the application was PROVISIONED: its folder (with
    // the uploaded files) is on the host, but the resumed controller never learned it
    const forgetful: ResourceType = {
      ...LinuxApplication,
      steps: {
        ...LinuxApplication.steps,
        release: async (ctx) => {
          delete ctx.data['remoteDir'];
          await LinuxApplication.steps.release!(ctx);
        },
      },
    };
    const registry = new TypeRegistry();
    registry.register(LinuxNode);
    registry.register(forgetful);
    const ec = new ExperimentController({ registry, localDir, expId });
    ec.registerResource('linux::Node', sshd.node(), { name: 'host' });
    ec.registerResource('linux::Application', { command: 'true' }, { name: 'app' });
    ec.registerConnection('host', 'app');
    ec.deploy();
    await ec.waitFinished('app');
    const folder = join(homedir(), '.nepi', expId, ec.runId, 'app');
    expect(existsSync(join(folder, 'exit-status'))).toBe(true);
    const summary = await ec.shutdown();
    expect(summary.failures).toEqual([]);
    expect(await leftovers(expId, ec.runDir)).toEqual([]);
  });

  it('closes the connection it opened itself when the node had already closed its own', async () => {
    // as when the node's connection was closed before the application's release: the
    // release dials again, and must not leave that connection (socket, keepalives) open
    const closing: ResourceType = {
      ...LinuxApplication,
      steps: {
        ...LinuxApplication.steps,
        release: async (ctx) => {
          const node = ctx.connections('linux::Node')[0]!;
          session = ctx.session as LinuxSession;
          session.connection(node).close();
          await LinuxApplication.steps.release!(ctx);
          // before the node's release (which closes whatever the node has open)
          leftOpen = session.connection(node).open() !== undefined;
        },
      },
    };
    let leftOpen: boolean | undefined;
    let session: LinuxSession | undefined;
    const sockets = () => process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
    const before = sockets();
    const registry = new TypeRegistry();
    registry.register(LinuxNode);
    registry.register(closing);
    const ec = new ExperimentController({ registry, localDir, expId });
    ec.registerResource('linux::Node', sshd.node(), { name: 'host' });
    ec.registerResource('linux::Application', { command: 'sleep 1000' }, { name: 'app' });
    ec.registerConnection('host', 'app');
    ec.deploy();
    await ec.waitStarted('app');
    const summary = await ec.shutdown();
    expect(summary.failures).toEqual([]);
    // the application's release did its work over its own connection (the node's release,
    // whose connection is gone, leaves the run's folder: afterEach removes it)
    expect(processesOf(expId)).toEqual([]);
    expect(existsSync(join(homedir(), '.nepi', expId, ec.runId, 'app'))).toBe(false);
    expect(leftOpen).toBe(false);
    expect(session?.openConnections).toBe(0);
    await until(() => sockets() <= before, 'the connections to be closed', 5000);
  });
});
