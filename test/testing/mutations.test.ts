/**
 * Mutation checks of the kit: deliberately broken resource types, each of which
 * testResourceType must fail, on the paths where the bug shows.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DummyNode, LinuxApplication, defineResourceType, extendResourceType, type ResourceType } from '../../src/index.js';
import { ResourceTypeTestError, testResourceType, type ResourceTypeReport, type TestResourceTypeOptions } from '../../src/testing/index.js';
import { probeProcessGroup } from './linux-probe.js';

/** Run the kit on a broken type: it must throw; the report. */
async function fails(type: ResourceType, options: TestResourceTypeOptions): Promise<ResourceTypeReport> {
  const error = await testResourceType(type, { probeGrace: 100, ...options }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ResourceTypeTestError);
  const { report } = error as ResourceTypeTestError;
  console.log(report.toString());
  expect(report.failures.length).toBeGreaterThan(0);
  return report;
}

const paths = (report: ResourceTypeReport) => report.failures.map((f) => f.events.join(' → '));

/** A world outside the experiment: what a type starts there and must stop or release. */
const world = new Set<string>();
let serial = 0;

/** Starts a "server" in the world at start; stop and release take it down. */
function server(options: { stopForgets?: boolean; startDoesNothing?: boolean } = {}): ResourceType {
  return defineResourceType({
    type: 'test::Server',
    help: 'A server in the world outside.',
    steps: {
      start(ctx) {
        if (options.startDoesNothing) return;
        const id = `server-${++serial}`;
        world.add(id);
        ctx.data['id'] = id;
      },
      stop(ctx) {
        const id = ctx.data['id'] as string | undefined;
        if (!options.stopForgets && id) world.delete(id);
        delete ctx.data['id']; // forgotten: release will not find it
        if (id) ctx.data['stopped'] = id;
      },
      release(ctx) {
        const id = ctx.data['id'] as string | undefined;
        if (id) world.delete(id);
      },
    },
    probe: (resource) => {
      const id = (resource.data['id'] ?? resource.data['stopped']) as string | undefined;
      return id && world.has(id) ? [`${id} still runs`] : [];
    },
  });
}

describe('the kit catches broken types', () => {
  it('passes the sound server', async () => {
    expect((await testResourceType(server())).passed).toBe(32);
  });

  it('a stop that leaves the server running', async () => {
    const report = await fails(server({ stopForgets: true }), {});
    // released after stop forgot it: stop ok, stop failing (after its work), or while it runs
    expect(paths(report)).toEqual([
      'DEPLOY → discover ok → provision ok → deploy ok → START → start ok → STOP → RELEASE → release ok',
      'DEPLOY → discover ok → provision ok → deploy ok → START → start ok → STOP → stop ok → RELEASE → release ok',
      'DEPLOY → discover ok → provision ok → deploy ok → START → start ok → STOP → RELEASE → release fails',
      'DEPLOY → discover ok → provision ok → deploy ok → START → start ok → STOP → stop ok → RELEASE → release fails',
      'DEPLOY → discover ok → provision ok → deploy ok → START → start ok → STOP → stop fails → RELEASE → release fails',
      'DEPLOY → discover ok → provision ok → deploy ok → START → start ok → STOP → stop fails → RELEASE → release ok',
    ]);
    expect(report.failures[0]!.message).toMatch(/^after release \(from STARTED with stop running\), probe found: server-\d+ still runs$/);
  });

  it('a linux application whose stop leaves its process running', async () => {
    const pgids: number[] = [];
    const leaky = extendResourceType(LinuxApplication, {
      type: 'test::LeakyApplication',
      steps: {
        async start(ctx) {
          await LinuxApplication.steps.start!(ctx);
          const pgid = (ctx.data['process'] as { pgid: number }).pgid;
          ctx.data['pgid'] = pgid;
          pgids.push(pgid);
        },
        // the bug: the process is forgotten instead of stopped
        stop: (ctx) => void delete ctx.data['process'],
      },
      probe: probeProcessGroup,
    });
    try {
      const report = await fails(leaky, {
        clock: 'real',
        connect: [{ type: 'linux::Node' }],
        attributes: { command: 'sleep 30' },
        // the paths that stop it once (not those that start it again after)
        filter: (path) => path.events.includes('stop ok') && path.events.filter((event) => event === 'START').length === 1,
        stepTimeout: 1000,
      });
      expect(report.paths).toBe(2);
      // the group holds the command and its wrapper (which writes the exit status)
      expect(report.failures[0]!.message).toMatch(
        /^after release \(from STOPPED\), probe found: process \d+ of group \d+ still runs(; process \d+ of group \d+ still runs)*$/,
      );
    } finally {
      for (const pgid of pgids) {
        try {
          process.kill(-pgid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
  });

  it('a run that reports it finished at once, when it runs until stopped', async () => {
    const eager = extendResourceType(DummyNode, { type: 'test::EagerNode', steps: { run: () => undefined } });
    const report = await fails(eager, { attributes: { runTime: '1h' }, maxFailures: 1 });
    // seen FINISHED at once, or STARTED first and FINISHED before the next event: either way caught
    expect(report.failures[0]!.message).toMatch(/^after 6\. 'start ok': expected STARTED with run running, observed FINISHED( \(it moved on by itself\))?$/);
  });

  it('a start that reports success and starts nothing, found by a check', async () => {
    const report = await fails(server({ startDoesNothing: true }), {
      check: (resource, expected) =>
        expected.state === 'STARTED' && expected.step !== 'stop' && !world.has(resource.data['id'] as string) ? ['no server runs'] : [],
      maxFailures: 1,
    });
    expect(report.failures[0]!.message).toBe("after 6. 'start ok' (STARTED with run running), check found: no server runs");
  });

  it('a step that fails when it should succeed', async () => {
    const broken = extendResourceType(DummyNode, { type: 'test::BrokenNode', steps: { provision: () => Promise.reject(new Error('no quota')) } });
    const report = await fails(broken, { attributes: { provisionTime: 10 }, maxFailures: 1 });
    expect(report.failures[0]!.message).toBe(
      "after 3. 'provision ok': expected PROVISIONED with deploy running, observed FAILED (failed at provision: no quota)",
    );
  });

  it('a step that ignores its abort and leaves something behind after release', async () => {
    const stubborn = defineResourceType({
      type: 'test::Stubborn',
      help: 'Its deploy goes on after being cancelled.',
      steps: {
        async deploy(ctx) {
          await new Promise((resolve) => setTimeout(resolve, 20)); // real time: no abort
          world.add(`late-${ctx.runId}`);
          ctx.data['late'] = `late-${ctx.runId}`;
        },
        release(ctx) {
          world.delete(ctx.data['late'] as string);
        },
      },
      probe: (resource) => (world.has(resource.data['late'] as string) ? [`${String(resource.data['late'])} was made after release`] : []),
    });
    const report = await fails(stubborn, { clock: 'real', filter: (path) => path.events.join(' → ').includes('provision ok → RELEASE') });
    expect(report.failures[0]!.message).toMatch(/^after release \(from PROVISIONED with deploy running\), probe found: late-\S+ was made after release$/);
  });
});

afterAll(() => world.clear());
