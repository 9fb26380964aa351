/**
 * Two `resume`s of one run: the second, started while the first still asks the types what is
 * left (a slow reattach), must be refused. Both are real processes (the lock is by pid).
 */
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runAndCrash, tempRuns } from './support.js';
import { waitFor } from './cli-support.js';

const DIST = new URL('../../dist/src/', import.meta.url).href;

/** Resumes argv[2] with a dummy::Application whose reattach takes 3 s, then releases everything. */
const SCRIPT = `
import { DummyApplication, DummyNode, ExperimentController, TypeRegistry, defineResourceType } from '${DIST}index.js';
const registry = new TypeRegistry();
registry.register(DummyNode);
registry.register(defineResourceType({
  ...DummyApplication,
  reattach: async (ctx, recorded) => {
    console.log('reattaching');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    return DummyApplication.reattach(ctx, recorded);
  },
}));
try {
  const ec = await ExperimentController.resume(process.argv[2], { registry });
  console.log('resumed');
  await ec.shutdown();
} catch (error) {
  console.log('refused: ' + error.message);
  process.exitCode = 2;
}
`;

let runs: ReturnType<typeof tempRuns>;
beforeEach(() => {
  runs = tempRuns();
});
afterEach(() => runs.cleanup());

function resume(script: string, runDir: string) {
  const child = spawn(process.execPath, [script, runDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { text: '' };
  child.stdout.on('data', (chunk: Buffer) => (out.text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out.text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, out, exited };
}

it('refuses a second resume while the first one is still reattaching', async () => {
  const crash = await runAndCrash(
    runs.localDir,
    (ec) => {
      ec.registerResource('dummy::Node', {}, { name: 'node' });
      ec.registerResource('dummy::Application', { runTime: '1h' }, { name: 'app' });
      ec.registerConnection('node', 'app');
    },
    1000,
  );
  // the crashed controller was this test process, which still runs: forget it
  rmSync(join(crash.runDir, 'controller.json'));
  const script = join(runs.localDir, 'resume.mjs');
  writeFileSync(script, SCRIPT);

  const first = resume(script, crash.runDir);
  try {
    expect(await waitFor(() => first.out.text.includes('reattaching'), 30_000)).toBe(true);
    const second = resume(script, crash.runDir);
    const code = await second.exited;
    expect(second.out.text).toMatch(/refused: the controller of '.*' still runs \(pid \d+\)/);
    expect(second.out.text).not.toMatch(/reattaching|resumed/);
    expect(code).toBe(2);
    expect(await first.exited).toBe(0);
    expect(first.out.text).toMatch(/resumed/);
  } finally {
    first.child.kill('SIGKILL');
  }
}, 60_000);
