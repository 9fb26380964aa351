/** Crashing and resuming controllers in virtual time, for the resume tests. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExperimentController } from '../../src/index.js';
import type { TypeRegistry } from '../../src/resources/registry.js';
import { VirtualClock } from '../../src/testing/index.js';

export interface Crashed {
  readonly runDir: string;
  /** The clock time at which the controller died. */
  readonly at: number;
}

/** A temporary folder for run directories; `cleanup()` removes it. */
export function tempRuns(): { localDir: string; cleanup: () => void } {
  const localDir = mkdtempSync(join(tmpdir(), 'nepi-resume-'));
  return { localDir, cleanup: () => rmSync(localDir, { recursive: true, force: true }) };
}

/**
 * Build and deploy an experiment on a virtual clock that records into `localDir`, let it run
 * until `crashAt`, then drop the controller as a SIGKILL would: nothing released, no summary.
 */
export async function runAndCrash(
  localDir: string,
  build: (ec: ExperimentController) => void,
  crashAt: number,
  options: { registry?: TypeRegistry } = {},
): Promise<Crashed> {
  const clock = new VirtualClock();
  const ec = new ExperimentController({ clock, localDir, expId: 'crash', ...options });
  build(ec);
  ec.deploy();
  await clock.advance(crashAt);
  ec.actor.stop(); // the old clock never moves again: nothing of this controller runs any more
  return { runDir: ec.runDir, at: crashAt };
}

/** Resume `runDir` at clock time `at` and run it to its end in virtual time. */
export async function resumeAndFinish(
  runDir: string,
  at: number,
  options: { registry?: TypeRegistry } = {},
): Promise<{ ec: ExperimentController; clock: VirtualClock }> {
  const clock = new VirtualClock(at);
  const ec = await ExperimentController.resume(runDir, { clock, ...options });
  const done = ec.run();
  await clock.runAll();
  await done;
  return { ec, clock };
}

/** Every line of events.ndjson, parsed (a line cut short by a crash is skipped). */
export function records(runDir: string): Record<string, unknown>[] {
  return readFileSync(join(runDir, 'events.ndjson'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return []; // the line a crash cut short
      }
    });
}

/** When `guid` entered `state`, from events.ndjson. */
export function enteredAt(runDir: string, guid: string, state: string): number | undefined {
  const record = records(runDir).find((r) => r['kind'] === undefined && r['guid'] === guid && r['to'] === state);
  return record?.['time'] as number | undefined;
}
